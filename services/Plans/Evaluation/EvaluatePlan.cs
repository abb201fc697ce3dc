using System.Security.Claims;
using Engagement.Plans.Activities;
using Engagement.Plans.Planning;
using Engagement.Plans.Priorities;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Evaluation;

public sealed record Actual(decimal Value, DateOnly On, string Source);

/// <param name="Progress">How far from the baseline to the target the latest actual has come, in per cent (may pass 100 or fall below 0).</param>
public sealed record ObjectiveEvaluation(
    Guid ObjectiveId, string Title, Metric? Metric, Baseline? Baseline, Target? Target, Actual? Actual, decimal? Progress, int Activities);

public sealed record ActivityCount(string Key, int Activities, int PeopleReached);

public sealed record ActivitySummary(int Total, int PeopleReached, IReadOnlyList<ActivityCount> ByCommunity, IReadOnlyList<ActivityCount> ByChannel, IReadOnlyList<ActivityCount> ByKind);

/// <param name="Unreached">No activity reached it in the plan's current quarter: flagged.</param>
public sealed record TargetEvaluation(string Name, string Basis, int ActivitiesThisQuarter, DateOnly? LastReachedOn, bool Unreached);

/// <param name="Told">Raisers of priorities on which an action was recorded: each was sent "You said, we did" (PriorityActioned names them).</param>
/// <param name="MedianDaysToAction">From an issue first being raised to the first action on it, over the priorities acted on.</param>
public sealed record RaiserEvaluation(int Raisers, int Told, decimal? ShareTold, decimal? MedianDaysToAction);

public sealed record Quarter(DateOnly From, DateOnly To);

public sealed record PlanEvaluation(
    Guid PlanId, string AreaCode, string Title, DateOnly StartsOn, DateOnly EndsOn, DateOnly AsOf, Quarter CurrentQuarter,
    IReadOnlyList<ObjectiveEvaluation> Objectives, ActivitySummary Activity, IReadOnlyList<TargetEvaluation> TargetCommunities, RaiserEvaluation Raisers,
    IReadOnlyList<string> StalePriorities, IReadOnlyList<string> Notes);

/// <summary>
/// <c>GET /api/plans/{id}/evaluation</c>: per objective, the target against the latest actual; activity by community,
/// channel and kind; the target communities no activity reached this quarter; and the share of raisers told what was done.
/// </summary>
public static class EvaluatePlan
{
    public static async Task<Ok<PlanEvaluation>> Handle(Guid id, ClaimsPrincipal user, IQuerySession query, TimeProvider clock, CancellationToken ct)
    {
        var plan = await LogActivity.PlanAsync(query, id, user, ct);
        var activities = await ActivityDocument.InAreaAsync(query, plan.AreaCode, plan.StartsOn, plan.EndsOn, ct);
        var priorities = await query.Query<PriorityDocument>().Where(d => d.State.AreaCode == plan.AreaCode).ToListAsync(ct);
        return TypedResults.Ok(Evaluate(plan, activities, priorities.Select(p => p.State).ToList(), PlanCommands.Today(clock), clock.GetUtcNow()));
    }

    /// <summary>The review quarter of the plan that holds the day (the plan's own quarters, from its start).</summary>
    public static Quarter QuarterOf(Plan plan, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var from = plan.StartsOn;
        while (from.AddMonths(plan.ReviewEveryMonths) <= day)
        {
            from = from.AddMonths(plan.ReviewEveryMonths);
        }

        return new Quarter(from, from.AddMonths(plan.ReviewEveryMonths).AddDays(-1));
    }

    public static PlanEvaluation Evaluate(Plan plan, IReadOnlyList<ActivityLogged> activities, IReadOnlyList<Priority> priorities, DateOnly today, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(activities);
        ArgumentNullException.ThrowIfNull(priorities);
        var objectives = plan.Objectives.Select(o =>
        {
            var latest = plan.Measurements.Where(m => m.ObjectiveId == o.ObjectiveId).OrderBy(m => m.On).ThenBy(m => m.RecordedAt).LastOrDefault();
            var actual = latest is null ? null : new Actual(latest.Value, latest.On, latest.Source);
            decimal? progress = actual is not null && o.Baseline is { } b && o.Target is { } t && t.Value != b.Value
                ? Math.Round(100m * (actual.Value - b.Value) / (t.Value - b.Value), 1)
                : null;
            return new ObjectiveEvaluation(o.ObjectiveId, o.Title, o.Metric, o.Baseline, o.Target, actual, progress, activities.Count(a => a.ObjectiveId == o.ObjectiveId));
        }).ToList();

        static IReadOnlyList<ActivityCount> By(IEnumerable<ActivityLogged> list, Func<ActivityLogged, string> key) => list
            .GroupBy(key, StringComparer.Ordinal)
            .Select(g => new ActivityCount(g.Key, g.Count(), g.Sum(a => a.PeopleReached ?? 0)))
            .OrderByDescending(c => c.Activities).ThenBy(c => c.Key, StringComparer.Ordinal)
            .ToList();

        var summary = new ActivitySummary(activities.Count, activities.Sum(a => a.PeopleReached ?? 0),
            By(activities, a => a.TargetCommunity ?? "(none named)"), By(activities, a => a.Channel), By(activities, a => a.Kind));

        var quarter = QuarterOf(plan, today < plan.StartsOn ? plan.StartsOn : today > plan.EndsOn ? plan.EndsOn : today);
        var targets = plan.Targets.Select(t =>
        {
            var reaching = activities.Where(a => string.Equals(a.TargetCommunity, t.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            var thisQuarter = reaching.Count(a => a.On >= quarter.From && a.On <= quarter.To);
            return new TargetEvaluation(t.Name, t.Basis, thisQuarter, reaching.Count == 0 ? null : reaching.Max(a => a.On), thisQuarter == 0);
        }).ToList();

        // Rounds of the plan's period (a priority closed and raised again has several): first raised before it ends, and
        // still open or closed after it began.
        var rounds = priorities.Where(p => p.Exists)
            .SelectMany(p => p.PastRounds.Select(r => (r.RaisedAt, r.RaiserIds, r.Actions, r.Closure)).Append((p.RaisedAt, p.RaiserIds, Actions: (IReadOnlyList<PriorityAction>)p.Actions, p.Closure)))
            .Where(r => AutomaticActivities.Day(r.RaisedAt) <= plan.EndsOn && (r.Closure is null || AutomaticActivities.Day(r.Closure.At) >= plan.StartsOn))
            .ToList();
        var relevant = priorities.Where(p => p.Exists && AutomaticActivities.Day(p.RaisedAt) <= plan.EndsOn
            && (p.Closure is null || AutomaticActivities.Day(p.Closure.At) >= plan.StartsOn)).ToList();
        var raisers = rounds.SelectMany(r => r.RaiserIds).Distinct(StringComparer.Ordinal).Count();
        var told = rounds.Where(r => r.Actions.Count > 0).SelectMany(r => r.RaiserIds).Distinct(StringComparer.Ordinal).Count();
        var days = rounds.Where(r => r.Actions.Count > 0).Select(r => (decimal)(r.Actions.Min(a => a.At) - r.RaisedAt).TotalDays).Order().ToList();
        decimal? median = days.Count == 0 ? null : Math.Round(days.Count % 2 == 1 ? days[days.Count / 2] : (days[days.Count / 2 - 1] + days[days.Count / 2]) / 2, 1);
        var stale = relevant.Where(p => p.Status == PriorityStatus.Adopted && p.Actions.Count == 0 && p.RaisedAt < now.AddMonths(-3))
            .Select(p => p.Issue).ToList();

        var notes = new List<string>
        {
            "Surgeries and alerts are logged automatically from SurgeryHeld and AlertSent; an alert to several areas counts its recipients for none of them.",
            "The 72-hour reply clock's compliance is Messaging's to report (GET /api/messaging/replies?overdue=true); it is not yet published to Plans.",
        };
        if (plan.Targets.Count == 0)
        {
            notes.Add("The plan names no target communities: Plans had not heard of the area's profile when it was drafted.");
        }

        return new PlanEvaluation(plan.Id, plan.AreaCode, plan.Title, plan.StartsOn, plan.EndsOn, today, quarter, objectives, summary, targets,
            new RaiserEvaluation(raisers, told, raisers == 0 ? null : Math.Round(100m * told / raisers, 1), median), stale, notes);
    }
}
