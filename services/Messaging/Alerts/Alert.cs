using Engagement.EventStore;

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
    long Targeted, bool RequiresApproval, string RequestedBy, string? ApprovedBy, AlertStatus Status) : IAggregate<Alert>
{
    public const string StreamType = "alert";
    public const string Urgent = "urgent";
    public const string Routine = "routine";

    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        "warn-and-inform", "crime-prevention", "information", "appeal", "reassurance",
    };

    public static Alert Initial { get; } = new(Guid.Empty, "", "", new Audience([], [], false, false, []), "", "",
        new Dictionary<string, Translation>(), 0, false, "", null, AlertStatus.None);

    public static string StreamId(Guid id) => $"alert-{id}";

    public bool Exists => Id != Guid.Empty;
    public bool IsUrgent => Priority == Urgent;

    public Alert Apply(object @event) => @event switch
    {
        AlertRequested e => this with
        {
            Id = e.AlertId, Type = e.Type, Priority = e.Priority, Audience = e.Audience, Subject = e.Subject, Body = e.Body,
            Translations = e.Translations, Targeted = e.Targeted, RequiresApproval = e.RequiresApproval, RequestedBy = e.RequestedBy,
            Status = e.RequiresApproval ? AlertStatus.AwaitingApproval : AlertStatus.Sending,
        },
        AlertApproved e => this with { ApprovedBy = e.ApprovedBy, Status = AlertStatus.Sending },
        AlertDispatched e => this with { Targeted = e.Targeted },
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

public static class AlertEvents
{
    public static void Register(Engagement.EventStore.EventTypes types)
    {
        ArgumentNullException.ThrowIfNull(types);
        types.Register<AlertRequested>("alert_requested")
            .Register<AlertApproved>("alert_approved")
            .Register<AlertDispatched>("alert_dispatched")
            .Register<AlertCancelled>("alert_cancelled")
            .Register<AlertFinished>("alert_finished");
    }
}
