using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;

namespace Engagement.Profiles.Emerging;

public sealed record DecisionRequest(string? Reason);

/// <summary>An analyst confirms or dismisses a candidate, with a reason; <c>GET /api/profiles/emerging</c> lists them with their evidence.</summary>
public static class DecideCandidate
{
    public static object Decide(Candidate state, bool confirm, DecisionRequest request, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var reason = errors.Text("reason", request.Reason, 1000);
        errors.ThrowIfAny();
        if (state.Status != "identified")
        {
            throw new ConflictException("candidate-decided", $"This candidate was already {state.Status}.");
        }

        return confirm ? new EmergingCandidateConfirmed(state.Id, by, now, reason) : new EmergingCandidateDismissed(state.Id, by, now, reason);
    }

    public static Task<IResult> Confirm(string id, DecisionRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct) =>
        HandleAsync(id, true, request, http, user, store, clock, ct);

    public static Task<IResult> Dismiss(string id, DecisionRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct) =>
        HandleAsync(id, false, request, http, user, store, clock, ct);

    private static async Task<IResult> HandleAsync(string id, bool confirm, DecisionRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        CommandResult<CandidateDocument> result;
        try
        {
            result = await CommandPath.HandleAsync<CandidateDocument>(store, id, http.Request.IfMatchVersion(), (doc, _) =>
            {
                if (!doc.State.Exists)
                {
                    throw new NotFoundException("Candidate", id);
                }

                user.RequireArea(doc.State.AreaCode);
                return [Decide(doc.State, confirm, request, user.SubjectId(), clock.GetUtcNow())];
            }, user: user.SubjectId(), ct: ct);
        }
        catch (StaleVersionException e) when (e.Actual == 0)
        {
            throw new NotFoundException("Candidate", id);
        }

        http.Response.Headers.ETag = Requests.ETag(result.Version);
        return TypedResults.Ok(result.State.State);
    }

    /// <summary>Candidates in the caller's areas, newest decisions last; the evidence carries the numbers the rule used.</summary>
    public static async Task<IResult> List(string? status, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        var docs = await session.Query<CandidateDocument>().ToListAsync(ct);
        return TypedResults.Ok(docs.Select(d => d.State)
            .Where(c => user.CanActIn(c.AreaCode) && (status is null || c.Status == status))
            .OrderBy(c => c.AreaCode, StringComparer.Ordinal).ThenBy(c => c.Value, StringComparer.Ordinal).ToList());
    }
}
