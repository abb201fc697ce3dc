namespace Engagement.Contracts;

// Published by Plans when a revision of an area's engagement plan is published; consumed by nobody yet (Messaging and the
// force-wide roll-up will). Counts and dates only: no free text.
public sealed record PlanPublished(
    Guid EventId, DateTimeOffset OccurredAt, Guid PlanId, string AreaCode, int Revision, DateOnly StartsOn, DateOnly EndsOn, int Objectives) : IIntegrationEvent;
