namespace Engagement.Contracts;

// Published by Plans when a priority is closed; consumed by nobody yet (Messaging's "what became of what you raised" will).
public sealed record PriorityClosed(Guid EventId, DateTimeOffset OccurredAt, Guid PriorityId, string AreaCode, string Category) : IIntegrationEvent;
