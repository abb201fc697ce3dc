using Engagement.MartenAdditions;
using Marten;

namespace Engagement.Messaging.Alerts;

public sealed record Translation(string Subject, string Body);

/// <summary>Who an alert is for: residents and/or key individuals in these areas, with these interests or issues.</summary>
public sealed record Audience(IReadOnlyList<string> Areas, IReadOnlyList<string> Interests, bool Residents, bool Kin, IReadOnlyList<string> KinIssues);

public enum AlertStatus
{
    None,
    AwaitingApproval,
    Sending,
    Completed,
    Cancelled,
}

// Events of an alert's stream. AlertDispatched and AlertFinished are published (AlertSent, AlertCompleted).
public sealed record AlertRequested(
    Guid AlertId, string Type, string Priority, Audience Audience, string Subject, string Body,
    IReadOnlyDictionary<string, Translation> Translations, long Targeted, bool RequiresApproval, string RequestedBy);

public sealed record AlertApproved(Guid AlertId, string ApprovedBy);

public sealed record AlertDispatched(Guid AlertId, Audience Audience, string Type, string Priority, long Targeted, int Batches);

public sealed record AlertCancelled(Guid AlertId, string CancelledBy);

public sealed record AlertFinished(Guid AlertId, long Targeted, long Delivered, long Failed, long Suppressed, IReadOnlyDictionary<string, long> DeliveredByChannel);

public sealed record Alert(
    Guid Id, string Type, string Priority, Audience Audience, string Subject, string Body, IReadOnlyDictionary<string, Translation> Translations,
    long Targeted, bool RequiresApproval, string RequestedBy, string? ApprovedBy, AlertStatus Status, bool Dispatched)
{
    public const string StreamType = "alert";
    public const string Urgent = "urgent";
    public const string Routine = "routine";

    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        "warn-and-inform", "crime-prevention", "information", "appeal", "reassurance",
    };

    public static Alert Initial { get; } = new(Guid.Empty, "", "", new Audience([], [], false, false, []), "", "",
        new Dictionary<string, Translation>(), 0, false, "", null, AlertStatus.None, false);

    public static string StreamId(Guid id) => $"alert-{id}";

    public bool Exists => Id != Guid.Empty;
    public bool IsUrgent => Priority == Urgent;

    public Alert Evolve(object @event) => @event switch
    {
        AlertRequested e => this with
        {
            Id = e.AlertId, Type = e.Type, Priority = e.Priority, Audience = e.Audience, Subject = e.Subject, Body = e.Body,
            Translations = e.Translations, Targeted = e.Targeted, RequiresApproval = e.RequiresApproval, RequestedBy = e.RequestedBy,
            Status = e.RequiresApproval ? AlertStatus.AwaitingApproval : AlertStatus.Sending,
        },
        AlertApproved e => this with { ApprovedBy = e.ApprovedBy, Status = AlertStatus.Sending },
        AlertDispatched e => this with { Targeted = e.Targeted, Dispatched = true },
        AlertCancelled => this with { Status = AlertStatus.Cancelled },
        AlertFinished => this with { Status = Status == AlertStatus.Cancelled ? AlertStatus.Cancelled : AlertStatus.Completed },
        _ => this,
    };

    /// <summary>
    /// The text a recipient gets in their language. Welsh readers get Welsh and English together in one message, as
    /// messages in Wales must go out in both at the same moment; others get their language if translated, else English.
    /// </summary>
    public static (string Subject, string Body) ContentFor(string subject, string body, IReadOnlyDictionary<string, Translation> translations, string language)
    {
        ArgumentNullException.ThrowIfNull(translations);
        if (!translations.TryGetValue(language, out var t))
        {
            return (subject, body);
        }

        return language == "cy" ? ($"{t.Subject} / {subject}", $"{t.Body}\n\n---\n\n{body}") : (t.Subject, t.Body);
    }
}

/// <summary>
/// The snapshot Marten keeps of each alert inline (what the status resource, the dispatcher and the delivery consumers
/// read), keyed by its stream key, with the stream version it was folded to.
/// </summary>
public sealed record AlertDocument(string Id, Alert State, long Version) : IAggregate<AlertDocument>, IStamped<AlertDocument>
{
    public static AlertDocument Initial { get; } = new("", Alert.Initial, 0);

    public AlertDocument Evolve(object @event) => this with { State = State.Evolve(@event) };

    public AlertDocument Stamp(string streamKey, long version) => this with { Id = streamKey, Version = version };
}

public static class AlertEvents
{
    /// <summary>The aliases are what the event log stores; they outlive any rename of a type, so never change one.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<AlertRequested>("alert_requested");
        options.Events.MapEventType<AlertApproved>("alert_approved");
        options.Events.MapEventType<AlertDispatched>("alert_dispatched");
        options.Events.MapEventType<AlertCancelled>("alert_cancelled");
        options.Events.MapEventType<AlertFinished>("alert_finished");
        options.Schema.For<AlertDocument>().DocumentAlias("alert");
        var snapshot = new DeciderProjection<AlertDocument>();
        snapshot.IncludeType<AlertRequested>();
        snapshot.IncludeType<AlertApproved>();
        snapshot.IncludeType<AlertDispatched>();
        snapshot.IncludeType<AlertCancelled>();
        snapshot.IncludeType<AlertFinished>();
        options.Projections.Add(snapshot, JasperFx.Events.Projections.ProjectionLifecycle.Inline);
    }

    /// <summary>The alert as it is now: the inline snapshot, which is never behind its stream.</summary>
    public static async Task<AlertDocument> LoadAsync(IQuerySession session, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await session.LoadAsync<AlertDocument>(Alert.StreamId(id), ct) is { State.Exists: true } doc
            ? doc
            : throw new ServiceDefaults.NotFoundException("Alert", id.ToString());
    }

    /// <summary>
    /// Load, decide, append through <see cref="CommandPath"/>: <paramref name="decide"/> sees the alert as it is (the
    /// initial state when there is none), and is decided again from the winner's state after a concurrent write.
    /// </summary>
    public static Task<CommandResult<AlertDocument>> HandleAsync(
        IDocumentStore store, Guid id, string user, Func<Alert, IReadOnlyList<object>> decide,
        Func<IDocumentSession, Alert, CancellationToken, Task>? alsoSave = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return CommandPath.HandleAsync<AlertDocument>(store, Alert.StreamId(id), null, (doc, _) => decide(doc.State),
            alsoSave is null ? null : (session, doc, t) => alsoSave(session, doc.State, t), user, ct);
    }
}
