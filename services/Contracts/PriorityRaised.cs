namespace Engagement.Contracts;

// Published by Plans when an issue becomes a candidate priority of an area (the first mention of its category, or the
// first since that priority was closed); consumed by nobody yet (the force-wide roll-up will). No free text.
public sealed record PriorityRaised(
    Guid EventId, DateTimeOffset OccurredAt, Guid PriorityId, string AreaCode, string Category, int Round, string Source, DateTimeOffset RaisedAt) : IIntegrationEvent;
