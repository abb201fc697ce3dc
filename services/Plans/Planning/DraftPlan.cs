using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Planning;

/// <param name="Months">The period's length; 12 unless said otherwise.</param>
/// <param name="TargetCommunities">Communities to reach beyond those the area's profile names (which the plan starts with).</param>
public sealed record DraftPlanRequest(string? AreaCode, string? Title, DateOnly? StartsOn, int? Months, IReadOnlyList<string>? TargetCommunities = null);

/// <summary><c>POST /api/plans</c>: a new plan for one area and one period, reviewed quarterly.</summary>
public static class DraftPlan
{
    public const int DefaultMonths = 12;
    public const int ReviewEveryMonths = 3;

    public static PlanDrafted Decide(Guid id, DraftPlanRequest request, AreaDirectory areas, string by, DateTimeOffset now, DateOnly today,
        Evaluation.AreaDigest? digest = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(areas);
        var errors = new FieldErrors();
        if (!areas.Exists(request.AreaCode))
        {
            errors.Add("areaCode", "Not a Neighbourhood Policing Area (see GET /api/plans/areas).");
        }

        var months = request.Months ?? DefaultMonths;
        if (months is < ReviewEveryMonths or > 36)
        {
            errors.Add("months", $"Between {ReviewEveryMonths} and 36 months.");
        }

        var startsOn = request.StartsOn ?? today;
        if (startsOn < today.AddYears(-1) || startsOn > today.AddYears(1))
        {
            errors.Add("startsOn", "Within a year of today.");
        }

        var title = errors.Text("title", request.Title, 200, required: false);
        var added = new List<string>();
        for (var i = 0; i < (request.TargetCommunities?.Count ?? 0); i++)
        {
            added.Add(errors.Text($"targetCommunities[{i}]", request.TargetCommunities![i], 200));
        }

        errors.ThrowIfAny();
        var area = areas.Find(request.AreaCode)!;
        var endsOn = startsOn.AddMonths(months).AddDays(-1);
        // Pre-filled from the profile as Plans last heard of it: its named communities, then the emerging ones identified.
        var targets = (digest?.NamedCommunities ?? []).Select(n => new TargetCommunity(n, "named"))
            .Concat((digest?.Emerging ?? []).Select(e => new TargetCommunity($"{e.Value} ({e.Dimension})", "emerging")))
            .Concat(added.Select(n => new TargetCommunity(n, "added")))
            .DistinctBy(t => t.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new PlanDrafted(id, area.Code, title.Length > 0 ? title : $"{area.Name} engagement plan {startsOn:yyyy-MM-dd} to {endsOn:yyyy-MM-dd}",
            startsOn, endsOn, ReviewEveryMonths, by, now, targets);
    }

    public static async Task<Created<PlanView>> Handle(
        DraftPlanRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, IQuerySession query, AreaDirectory areas, TimeProvider clock,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = http.Request.ResourceId("draft-plan");
        var digest = areas.Exists(request.AreaCode) ? await query.LoadAsync<Evaluation.AreaDigest>(request.AreaCode!, ct) : null;
        var result = await CommandPath.HandleAsync<PlanDocument>(store, Plan.StreamId(id), null, (doc, _) =>
        {
            if (doc.State.Exists)
            {
                // The same Idempotency-Key again (or a concurrent twin that won): the first answer, not a second plan.
                return [];
            }

            var drafted = Decide(id, request, areas, user.SubjectId(), clock.GetUtcNow(), PlanCommands.Today(clock), digest);
            user.RequireArea(drafted.AreaCode);
            return [drafted];
        }, user: user.SubjectId(), ct: ct);
        http.Response.Headers.ETag = Requests.ETag(result.Version);
        return TypedResults.Created($"/api/plans/{id}", PlanView.From(result.State.State, result.Version, PlanCommands.Today(clock)));
    }
}
