using System.Security.Claims;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Engagement.Plans.Priorities;

public sealed record AdoptPriorityRequest(string? Reason);

public sealed record PassToPartnerRequest(string? Partner, string? Reference, string? Reason);

/// <summary>
/// The inspector's choice: <c>POST .../adopt</c> makes a candidate one of the area's priorities (at most
/// <c>Plans:Ranking:AdoptedLimit</c>, three by default, at once), with why; <c>POST .../pass-to-partner</c> hands an issue
/// another agency owns (litter, dog fouling, parking) to them, with their reference.
/// </summary>
public static class ChoosePriority
{
    public static PriorityAdopted Adopt(Priority state, AdoptPriorityRequest request, int adoptedInArea, int limit, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var reason = errors.Text("reason", request.Reason, 1000);
        errors.ThrowIfAny();
        if (state.Status != PriorityStatus.Candidate)
        {
            throw new ConflictException("priority-not-a-candidate", "Only a candidate can be adopted.", $"This priority is {state.Status}.");
        }

        if (adoptedInArea >= limit)
        {
            throw new ConflictException("adopted-limit-reached", "The area already has its priorities.",
                $"{state.AreaCode} has {adoptedInArea} adopted priorities (at most {limit}). Close one before adopting another.");
        }

        return new PriorityAdopted(state.Id, state.AreaCode, new Decision(reason, by, now));
    }

    public static PriorityPassedToPartner Pass(Priority state, PassToPartnerRequest request, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var partner = errors.Text("partner", request.Partner, 200);
        var reference = errors.Text("reference", request.Reference, 200);
        var reason = errors.Text("reason", request.Reason, 1000, required: false);
        errors.ThrowIfAny();
        if (state.Status is PriorityStatus.Closed or PriorityStatus.PassedToPartner)
        {
            throw new ConflictException("priority-not-open", "Only an open priority of ours can be passed to a partner.", $"This priority is {state.Status}.");
        }

        return new PriorityPassedToPartner(state.Id, state.AreaCode, new PartnerReferral(partner, reference, reason, by, now));
    }

    public static async Task<Ok<PriorityView>> HandleAdopt(
        Guid id, AdoptPriorityRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, IOptions<RankingOptions> ranking, TimeProvider clock,
        CancellationToken ct)
    {
        // The count is read before the decision and is not locked with it: two adoptions in the same instant in one area
        // could pass the limit together. The limit is the inspector's habit, not a safety rule, so that is accepted.
        await using var query = store.QuerySession();
        var area = (await query.LoadAsync<PriorityDocument>(Priority.StreamId(id), ct))?.State.AreaCode ?? "";
        var adopted = (await PriorityCommands.InAreaAsync(query, area, ct)).Count(d => d.State.Status == PriorityStatus.Adopted);
        var result = await PriorityCommands.HandleAsync(store, id, http.Request.IfMatchVersion(), user,
            p => [Adopt(p, request, adopted, ranking.Value.AdoptedLimit, user.SubjectId(), clock.GetUtcNow())], ct);
        return PriorityCommands.Answer(http, result, ranking.Value, clock);
    }

    public static async Task<Ok<PriorityView>> HandlePass(
        Guid id, PassToPartnerRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, IOptions<RankingOptions> ranking, TimeProvider clock,
        CancellationToken ct)
    {
        var result = await PriorityCommands.HandleAsync(store, id, http.Request.IfMatchVersion(), user,
            p => [Pass(p, request, user.SubjectId(), clock.GetUtcNow())], ct);
        return PriorityCommands.Answer(http, result, ranking.Value, clock);
    }
}
