using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.Plans.Planning;
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
    public static async Task<Ok<IReadOnlyList<AreaRollUp>>> Handle(ClaimsPrincipal user, AreaDirectory areas, IQuerySession query, EventStoreSettings settings, TimeProvider clock,
        CancellationToken ct)
    {
        var scoped = user.ScopedAreas();
        var codes = areas.All.Select(a => a.Code).Where(c => scoped is null || scoped.Contains(c, StringComparer.Ordinal)).ToList();
        var today = PlanCommands.Today(clock);
        var now = clock.GetUtcNow();
        var plans = (await query.Query<PlanDocument>().Where(d => d.State.AreaCode.IsOneOf(codes)).ToListAsync(ct))
            .Select(d => d.State).Where(p => p.StartsOn <= today && p.EndsOn >= today)
            .GroupBy(p => p.AreaCode).ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.StartsOn).First(), StringComparer.Ordinal);
        var counters = new Dictionary<string, EvaluationCounters>(StringComparer.Ordinal);
        await using (var conn = await settings.DataSource.OpenConnectionAsync(ct))
        {
            foreach (var plan in plans.Values)
            {
                counters[plan.AreaCode] = await EvaluatePlan.CountersAsync(conn, settings.Schema, plan, today, now, ct);
            }
        }

        var rows = codes.Select(code =>
        {
            var area = areas.Find(code)!;
            if (!plans.TryGetValue(code, out var plan))
            {
                return new AreaRollUp(code, area.Name, null, null, null, false, false, 0, 0, null, 0);
            }

            var e = EvaluatePlan.Evaluate(plan, counters[code], today, now);
            var published = plan.Revisions.Count == 0 ? (DateTimeOffset?)null : plan.Revisions[^1].PublishedAt;
            return new AreaRollUp(code, area.Name, plan.Id, plan.Title, published, published is { } p && p >= now.AddMonths(-3), today >= plan.NextReviewOn,
                e.TargetCommunities.Count, e.TargetCommunities.Count(t => !t.Unreached), e.Raisers, e.StalePriorities.Count);
        });
        return TypedResults.Ok<IReadOnlyList<AreaRollUp>>(rows.OrderBy(r => r.PlanId is null ? 0 : 1).ThenBy(r => r.Fresh).ThenBy(r => r.AreaCode, StringComparer.Ordinal).ToList());
    }
}
