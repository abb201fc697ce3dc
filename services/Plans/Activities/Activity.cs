using Engagement.MartenAdditions;
using Marten;

namespace Engagement.Plans.Activities;

/// <summary>
/// Something the plan's owners did to engage: a patrol, a surgery, a KIN cascade, an alert, a school session, a visit to a
/// faith venue, an online post. It links the community it meant to reach, the channel, and (optionally) a priority and an
/// objective. Surgeries and alerts are logged automatically from <c>SurgeryHeld</c> and <c>AlertSent</c>.
/// </summary>
/// <param name="PlanId">The plan it was logged against; null for those logged automatically, which belong to their area's day.</param>
/// <param name="Source"><c>officer</c>, or the event it came from (<c>surgery:{id}</c>, <c>alert:{id}</c>).</param>
public sealed record ActivityLogged(
    Guid ActivityId, string AreaCode, Guid? PlanId, string Kind, DateOnly On, string Summary, string? TargetCommunity, string Channel,
    Guid? PriorityId, Guid? ObjectiveId, int? PeopleReached, string Source, string LoggedBy, DateTimeOffset LoggedAt);

/// <summary>The inline snapshot of an activity's stream (one event): what evaluations query, by area and day.</summary>
public sealed record ActivityDocument(string Id, ActivityLogged? Logged, string AreaCode, DateOnly On, long Version)
    : IAggregate<ActivityDocument>, IStamped<ActivityDocument>
{
    public static ActivityDocument Initial { get; } = new("", null, "", default, 0);

    public static readonly string[] Kinds = ["patrol", "surgery", "kin-cascade", "alert", "school-session", "faith-venue-visit", "online-post"];

    public static string StreamId(Guid id) => $"activity-{id}";

    public ActivityDocument Evolve(object @event) => @event is ActivityLogged e ? this with { Logged = e, AreaCode = e.AreaCode, On = e.On } : this;

    public ActivityDocument Stamp(string streamKey, long version) => this with { Id = streamKey, Version = version };

    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<ActivityLogged>("activity_logged");
        options.Schema.For<ActivityDocument>().DocumentAlias("activity").Index(d => d.AreaCode).Index(d => d.On);
        var snapshot = new DeciderProjection<ActivityDocument>();
        snapshot.IncludeType<ActivityLogged>();
        options.Projections.Add(snapshot, JasperFx.Events.Projections.ProjectionLifecycle.Inline);
    }

    /// <summary>An area's activities from one day to another, inclusive.</summary>
    public static async Task<IReadOnlyList<ActivityLogged>> InAreaAsync(IQuerySession session, string area, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var docs = await session.Query<ActivityDocument>().Where(d => d.AreaCode == area && d.On >= from && d.On <= to).ToListAsync(ct);
        return docs.Select(d => d.Logged).OfType<ActivityLogged>().OrderBy(a => a.On).ThenBy(a => a.LoggedAt).ToList();
    }
}
