using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Engagement.MartenAdditions;

/// <summary>An integration message ready for the broker. Its message id is the source event's id, so consumers can dedupe.</summary>
public sealed record OutgoingMessage(Guid MessageId, object Message, string? TraceParent, string? CorrelationId, DateTimeOffset OccurredAt);

/// <summary>Publishes to the broker and returns only once the broker has confirmed every message.</summary>
public interface IEventPublisher
{
    Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken ct);
}

/// <summary>Maps a domain event to its public Contracts record, or null for events that stay inside the service.</summary>
public delegate object? IntegrationEventMap(IEvent e);

/// <summary>
/// The outbox relay, as a Marten subscription: the event log is the outbox. Marten's daemon hands it committed events
/// in order, the public ones are mapped and published, and Marten records the subscription's progress only after this
/// method returns, which is after the broker confirmed. A crash between publish and checkpoint publishes the page again
/// (at least once); consumers' inboxes make the effect happen once.
/// </summary>
public sealed class Relay : SubscriptionBase
{
    public const string SubscriptionName = "relay";
    public const string TraceParentHeader = "traceparent";

    private readonly IntegrationEventMap _map;
    private readonly IEventPublisher _publisher;

    public Relay(IntegrationEventMap map, IEventPublisher publisher)
    {
        _map = map;
        _publisher = publisher;
        Name = SubscriptionName;
        Options.BatchSize = 500;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        using var scope = PersonalDataScope.Begin();
        var messages = new List<OutgoingMessage>();
        foreach (var e in page.Events)
        {
            if (_map(e) is { } message)
            {
                messages.Add(new OutgoingMessage(e.Id, message, TraceParentOf(e), e.CorrelationId, e.Timestamp));
            }
        }

        if (messages.Count > 0)
        {
            await _publisher.PublishAsync(messages, cancellationToken);
        }

        return NullChangeListener.Instance;
    }

    public static string? TraceParentOf(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Headers is { } headers && headers.TryGetValue(TraceParentHeader, out var value) ? value?.ToString() : null;
    }

    /// <summary>Stamps the session with the current trace, so every event it appends carries it to the relay.</summary>
    public static void StampTrace(IDocumentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Activity.Current is { } activity)
        {
            session.SetHeader(TraceParentHeader, activity.Id!);
        }
    }
}
