using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Engagement.MartenAdditions;
using Marten;

namespace Engagement.Plans.Planning;

/// <summary>What an objective is measured by: a metric and what exactly it counts.</summary>
public sealed record Metric(string Name, string Definition);

/// <summary>Where the objective starts from, and over which period that was measured (e.g. "2025/26 survey").</summary>
public sealed record Baseline(decimal Value, string Period);

public sealed record Target(decimal Value, DateOnly By);

/// <summary>
/// A measurable objective of a plan. Metric and baseline may be missing while the plan is drafted (the data may not be in
/// yet), but a plan with such an objective cannot be published.
/// </summary>
public sealed record Objective(
    Guid ObjectiveId, string Title, Metric? Metric, Baseline? Baseline, Target? Target, string? DataSource, string Owner, string Engagement);

/// <summary>
/// A community the plan means to reach, and why: <c>named</c> in the area's profile, <c>emerging</c> (identified by Profiles),
/// or <c>added</c> by the team.
/// </summary>
public sealed record TargetCommunity(string Name, string Basis);

/// <summary>What an objective's metric stood at on a day, and where the figure came from: the "actual" against its target.</summary>
public sealed record Measurement(Guid ObjectiveId, decimal Value, DateOnly On, string Source, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>A published revision: its number, why it was made, and the objectives as they stood.</summary>
public sealed record Revision(int Number, string Reason, string PublishedBy, DateTimeOffset PublishedAt, IReadOnlyList<Objective> Objectives);

// Events of a plan's stream. Who and when are on every event.

/// <param name="Targets">The communities it starts with, from the area's profile as Plans last heard of it.</param>
public sealed record PlanDrafted(
    Guid PlanId, string AreaCode, string Title, DateOnly StartsOn, DateOnly EndsOn, int ReviewEveryMonths, string DraftedBy, DateTimeOffset DraftedAt,
    IReadOnlyList<TargetCommunity>? Targets = null);

public sealed record ObjectiveMeasured(Guid PlanId, Measurement Measurement);

public sealed record ObjectiveSet(Guid PlanId, Objective Objective, string SetBy, DateTimeOffset SetAt);

public sealed record PlanPublished(Guid PlanId, string AreaCode, DateOnly StartsOn, DateOnly EndsOn, Revision Revision);

/// <summary>One area's engagement plan for one period. Changes after a publication are a draft until the next one.</summary>
public sealed record Plan(
    Guid Id, string AreaCode, string Title, DateOnly StartsOn, DateOnly EndsOn, int ReviewEveryMonths, ImmutableList<Objective> Objectives,
    ImmutableList<Revision> Revisions, ImmutableList<TargetCommunity> Targets, ImmutableList<Measurement> Measurements) : IAggregate<Plan>
{
    public static Plan Initial { get; } = new(Guid.Empty, "", "", default, default, 3, [], [], [], []);

    public static string StreamId(Guid id) => $"plan-{id}";

    [JsonIgnore]
    public bool Exists => Id != Guid.Empty;

    /// <summary>The quarterly review falls due a review period after the last publication (or the start, before any).</summary>
    [JsonIgnore]
    public DateOnly NextReviewOn =>
        (Revisions.Count == 0 ? StartsOn : DateOnly.FromDateTime(ServiceDefaults.London.Show(Revisions[^1].PublishedAt).DateTime)).AddMonths(ReviewEveryMonths);

    public Plan Evolve(object @event) => @event switch
    {
        PlanDrafted e => this with
        {
            Id = e.PlanId, AreaCode = e.AreaCode, Title = e.Title, StartsOn = e.StartsOn, EndsOn = e.EndsOn, ReviewEveryMonths = e.ReviewEveryMonths,
            Targets = [.. e.Targets ?? []],
        },
        ObjectiveMeasured e => this with { Measurements = Measurements.Add(e.Measurement) },
        ObjectiveSet e => this with
        {
            Objectives = Objectives.FindIndex(o => o.ObjectiveId == e.Objective.ObjectiveId) is var i and >= 0
                ? Objectives.SetItem(i, e.Objective)
                : Objectives.Add(e.Objective),
        },
        PlanPublished e => this with { Revisions = Revisions.Add(e.Revision) },
        _ => this,
    };
}

/// <summary>The inline snapshot of each plan stream: what reads and decisions load.</summary>
public sealed record PlanDocument(string Id, Plan State, long Version) : IAggregate<PlanDocument>, IStamped<PlanDocument>
{
    public static PlanDocument Initial { get; } = new("", Plan.Initial, 0);

    public PlanDocument Evolve(object @event) => this with { State = State.Evolve(@event) };

    public PlanDocument Stamp(string streamKey, long version) => this with { Id = streamKey, Version = version };
}

public static class PlanEvents
{
    /// <summary>The aliases are what the event log stores; they outlive any rename of a type, so never change one.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<PlanDrafted>("plan_drafted");
        options.Events.MapEventType<ObjectiveSet>("objective_set");
        options.Events.MapEventType<PlanPublished>("plan_published");
        options.Events.MapEventType<ObjectiveMeasured>("objective_measured");
        options.Schema.For<PlanDocument>().DocumentAlias("plan").Index(d => d.State.AreaCode);
        var snapshot = new DeciderProjection<PlanDocument>();
        snapshot.IncludeType<PlanDrafted>();
        snapshot.IncludeType<ObjectiveSet>();
        snapshot.IncludeType<PlanPublished>();
        snapshot.IncludeType<ObjectiveMeasured>();
        options.Projections.Add(snapshot, JasperFx.Events.Projections.ProjectionLifecycle.Inline);
    }
}
