using System.Security.Claims;
using Engagement.Plans.Activities;
using Engagement.Plans.Planning;
using Engagement.Plans.Priorities;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

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
    IReadOnlyList<string> StalePriorities, IReadOnlyList<string> Notes, ReplyClockEvaluation Replies);

/// <summary>What an evaluation is worked out from: the projection's counters, never the documents themselves.</summary>
public sealed record EvaluationCounters(IReadOnlyList<ActivityCounter> Activity, IReadOnlyList<RoundCounter> Rounds, ReplyClockEvaluation Replies);

/// <summary>
/// <c>GET /api/plans/{id}/evaluation</c>: per objective, the target against the latest actual; activity by community,
/// channel and kind; the target communities no activity reached this quarter; and the share of raisers told what was done.
/// </summary>
public static class EvaluatePlan
{
    public static async Task<Ok<PlanEvaluation>> Handle(
        Guid id, ClaimsPrincipal user, IQuerySession query, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var plan = await LogActivity.PlanAsync(query, id, user, ct);
        var (today, now) = (PlanCommands.Today(clock), clock.GetUtcNow());
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(Evaluate(plan, await CountersAsync(conn, settings.Schema, plan, today, now, ct), today, now));
    }

    /// <summary>What the evaluation of the plan reads: its area's counters over its period (three small queries).</summary>
    public static async Task<EvaluationCounters> CountersAsync(
        NpgsqlConnection conn, string schema, Plan plan, DateOnly today, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var quarter = CurrentQuarter(plan, today);
        return new EvaluationCounters(
            await PlanCountersProjection.ActivityAsync(conn, schema, plan.AreaCode, plan.StartsOn, plan.EndsOn, quarter, ct),
            await PlanCountersProjection.RoundsAsync(conn, schema, plan.AreaCode, ct),
            await ReplyClock.EvaluateAsync(conn, schema, plan.AreaCode, plan.StartsOn, plan.EndsOn, now, ct));
    }

    /// <summary>The quarter "this quarter" means: today's, or the plan's first or last before it starts or after it ends.</summary>
    public static Quarter CurrentQuarter(Plan plan, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return QuarterOf(plan, today < plan.StartsOn ? plan.StartsOn : today > plan.EndsOn ? plan.EndsOn : today);
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

    public static PlanEvaluation Evaluate(Plan plan, EvaluationCounters counters, DateOnly today, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(counters);
        var activity = counters.Activity.ToLookup(c => c.Dimension, StringComparer.Ordinal);
        var byObjective = activity["objective"].ToDictionary(c => c.Key, c => c.Activities, StringComparer.Ordinal);
        var objectives = plan.Objectives.Select(o =>
        {
            var latest = plan.Measurements.Where(m => m.ObjectiveId == o.ObjectiveId).OrderBy(m => m.On).ThenBy(m => m.RecordedAt).LastOrDefault();
            var actual = latest is null ? null : new Actual(latest.Value, latest.On, latest.Source);
            decimal? progress = actual is not null && o.Baseline is { } b && o.Target is { } t && t.Value != b.Value
                ? Math.Round(100m * (actual.Value - b.Value) / (t.Value - b.Value), 1)
                : null;
            return new ObjectiveEvaluation(o.ObjectiveId, o.Title, o.Metric, o.Baseline, o.Target, actual, progress,
                byObjective.GetValueOrDefault(o.ObjectiveId.ToString()));
        }).ToList();

        IReadOnlyList<ActivityCount> By(string dimension) => activity[dimension]
            .Select(c => new ActivityCount(c.Key, c.Activities, (int)c.PeopleReached))
            .OrderByDescending(c => c.Activities).ThenBy(c => c.Key, StringComparer.Ordinal)
            .ToList();

        // Every activity has exactly one kind, so the kinds' sums are the totals.
        var summary = new ActivitySummary(activity["kind"].Sum(c => c.Activities), (int)activity["kind"].Sum(c => c.PeopleReached),
            By("community"), By("channel"), By("kind"));

        var quarter = CurrentQuarter(plan, today);
        var targets = plan.Targets.Select(t =>
        {
            var reaching = activity["community"].Where(c => string.Equals(c.Key, t.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            var thisQuarter = reaching.Sum(c => c.ThisQuarter);
            return new TargetEvaluation(t.Name, t.Basis, thisQuarter, reaching.Count == 0 ? null : reaching.Max(c => c.LastOn), thisQuarter == 0);
        }).ToList();

        // Rounds of the plan's period (a priority closed and raised again has several): first raised before it ends, and
        // still open or closed after it began.
        var rounds = counters.Rounds
            .Where(r => AutomaticActivities.Day(r.RaisedAt) <= plan.EndsOn && (r.ClosedAt is null || AutomaticActivities.Day(r.ClosedAt.Value) >= plan.StartsOn))
            .ToList();
        var raisers = rounds.SelectMany(r => r.RaiserIds).Distinct(StringComparer.Ordinal).Count();
        var told = rounds.Where(r => r.FirstActionAt is not null).SelectMany(r => r.RaiserIds).Distinct(StringComparer.Ordinal).Count();
        var days = rounds.Where(r => r.FirstActionAt is not null).Select(r => (decimal)(r.FirstActionAt!.Value - r.RaisedAt).TotalDays).Order().ToList();
        decimal? median = days.Count == 0 ? null : Math.Round(days.Count % 2 == 1 ? days[days.Count / 2] : (days[days.Count / 2 - 1] + days[days.Count / 2]) / 2, 1);
        var stale = rounds.Where(r => r.Status == PriorityStatus.Adopted && r.FirstActionAt is null && r.RaisedAt < now.AddMonths(-3))
            .Select(r => r.Issue).ToList();

        var notes = new List<string>
        {
            "Surgeries and alerts are logged automatically from SurgeryHeld and AlertSent; an alert to several areas counts its recipients for none of them.",
            "The 72-hour reply clock counts the replies Messaging received from the area within the plan's period; compliance is the share answered " +
            "within 72 hours of those answered or past their 72 hours.",
        };
        if (plan.Targets.Count == 0)
        {
            notes.Add("The plan names no target communities: Plans had not heard of the area's profile when it was drafted.");
        }

        return new PlanEvaluation(plan.Id, plan.AreaCode, plan.Title, plan.StartsOn, plan.EndsOn, today, quarter, objectives, summary, targets,
            new RaiserEvaluation(raisers, told, raisers == 0 ? null : Math.Round(100m * told / raisers, 1), median), stale, notes, counters.Replies);
    }
}
