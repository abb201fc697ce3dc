namespace Engagement.Messaging;

/// <summary>What the relay publishes: AlertSent, AlertCompleted and ReplyReceived, with no personal data.</summary>
public static class PublicEvents
{
    public static object? Map(EventStore.StoredEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return null;
    }
}
