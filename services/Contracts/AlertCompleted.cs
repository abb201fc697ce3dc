namespace Engagement.Contracts;

// Published by Messaging when every delivery of an alert has finished; consumed by Plans (evaluation of reach).
public sealed record AlertCompleted(
    Guid EventId, DateTimeOffset OccurredAt, Guid AlertId, int Targeted, int Delivered, int Failed, int Suppressed,
    IReadOnlyDictionary<string, int> DeliveredByChannel) : IIntegrationEvent;
