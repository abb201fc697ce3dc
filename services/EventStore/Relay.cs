namespace Engagement.EventStore;

/// <summary>An integration message ready for the broker. Its message id is the source event's id, so consumers can dedupe.</summary>
public sealed record OutgoingMessage(Guid MessageId, object Message, EventMetadata Metadata, DateTimeOffset OccurredAt);

/// <summary>Publishes to the broker and returns only once the broker has confirmed every message.</summary>
public interface IEventPublisher
{
    Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken ct);
}

/// <summary>Maps a domain event to its public Contracts record, or null for events that stay inside the service.</summary>
public delegate object? IntegrationEventMap(StoredEvent e);

/// <summary>
/// The outbox relay. The event log is the outbox: committed events are read in order, the public ones are mapped and
/// published, and the checkpoint moves only after the broker confirms. A crash between publish and checkpoint means the
/// batch is published again (at least once); consumers' inboxes make the effect happen once.
/// </summary>
public sealed class Relay(IntegrationEventMap map, IEventPublisher publisher) : ISubscription
{
    public const string SubscriptionName = "relay";

    public string Name => SubscriptionName;

    public async Task HandleAsync(EventStore store, IReadOnlyList<StoredEvent> batch, Position from, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(batch);
        var messages = new List<OutgoingMessage>();
        foreach (var e in batch)
        {
            if (map(e) is { } message)
            {
                messages.Add(new OutgoingMessage(e.Id, message, e.Metadata, e.Timestamp));
            }
        }

        if (messages.Count > 0)
        {
            await publisher.PublishAsync(messages, ct);
        }

        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await Progression.AdvanceAsync(store, conn, null, Name, from, batch[^1].Position, ct);
    }
}
