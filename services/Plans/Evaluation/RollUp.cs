using System.Security.Claims;
using Engagement.Plans.Activities;
using Engagement.Plans.Planning;
using Engagement.Plans.Priorities;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Evaluation;

/// <param name="Fresh">Published, and published within the last three months (the Neighbourhood Policing Guarantee).</param>
public sealed record AreaRollUp(
    string AreaCode, string AreaName, Guid? PlanId, string? Title, DateTimeOffset? LastPublishedAt, bool Fresh, bool ReviewDue,
    int TargetCommunities, int TargetCommunitiesReachedThisQuarter, RaiserEvaluation? Raisers, int StalePriorities);

/// <summary>
/// <c>GET /api/plans/rollup</c>: every area in the caller's scope (force-wide: all) with its current plan, how fresh it is,
/// the target communities reached this quarter and the share of raisers told. Areas without a current plan come first.
/// </summary>
public static class RollUp
{
    public static async Task<Ok<IReadOnlyList<AreaRollUp>>> Handle(ClaimsPrincipal user, AreaDirectory areas, IQuerySession query, TimeProvider clock, CancellationToken ct)
    {
        var scoped = user.ScopedAreas();
        var codes = areas.All.Select(a => a.Code).Where(c => scoped is null || scoped.Contains(c, StringComparer.Ordinal)).ToList();
        var today = PlanCommands.Today(clock);
        var now = clock.GetUtcNow();
        var plans = (await query.Query<PlanDocument>().Where(d => d.State.AreaCode.IsOneOf(codes)).ToListAsync(ct))
            .Select(d => d.State).Where(p => p.StartsOn <= today && p.EndsOn >= today)
            .GroupBy(p => p.AreaCode).ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.StartsOn).First(), StringComparer.Ordinal);
        var from = plans.Count == 0 ? today : plans.Values.Min(p => p.StartsOn);
        var activities = (await query.Query<ActivityDocument>().Where(d => d.AreaCode.IsOneOf(codes) && d.On >= from && d.On <= today).ToListAsync(ct))
            .Select(d => d.Logged).OfType<ActivityLogged>().ToLookup(a => a.AreaCode, StringComparer.Ordinal);
        var priorities = (await query.Query<PriorityDocument>().Where(d => d.State.AreaCode.IsOneOf(codes)).ToListAsync(ct))
            .Select(d => d.State).ToLookup(p => p.AreaCode, StringComparer.Ordinal);

        var rows = codes.Select(code =>
        {
            var area = areas.Find(code)!;
            if (!plans.TryGetValue(code, out var plan))
            {
                return new AreaRollUp(code, area.Name, null, null, null, false, false, 0, 0, null, 0);
            }

            var e = EvaluatePlan.Evaluate(plan, activities[code].Where(a => a.On >= plan.StartsOn).ToList(), priorities[code].ToList(), today, now);
            var published = plan.Revisions.Count == 0 ? (DateTimeOffset?)null : plan.Revisions[^1].PublishedAt;
            return new AreaRollUp(code, area.Name, plan.Id, plan.Title, published, published is { } p && p >= now.AddMonths(-3), today >= plan.NextReviewOn,
                e.TargetCommunities.Count, e.TargetCommunities.Count(t => !t.Unreached), e.Raisers, e.StalePriorities.Count);
        });
        return TypedResults.Ok<IReadOnlyList<AreaRollUp>>(rows.OrderBy(r => r.PlanId is null ? 0 : 1).ThenBy(r => r.Fresh).ThenBy(r => r.AreaCode, StringComparer.Ordinal).ToList());
    }
}
