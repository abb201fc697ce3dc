namespace Engagement.Contracts;

// Published by Plans when an officer records what was done about an adopted priority; consumed by Messaging ("you said,
// we did" to each raiser who consented). Issue and action are the texts police.uk publishes, so they are public; raisers
// are opaque resident ids, never names.
public sealed record PriorityActioned(
    Guid EventId, DateTimeOffset OccurredAt, Guid PriorityId, Guid ActionId, string AreaCode, string Issue, DateOnly ActionedOn, string Action, string? Outcome,
    IReadOnlyList<string> RaiserIds) : IIntegrationEvent;
