namespace Engagement.Contracts;

// Published by Messaging whenever a resident's subscription is set or changed, or stops (unsubscribed from everything:
// no areas); consumed by Plans, which lets a resident vote on the candidate priorities of the areas they live in.
// ResidentId is the opaque subscriber id (the `sub` of their token); AreaCodes are the areas of the postcode they gave
// (not areas they chose only to hear alerts from). Version is the subscription stream's version: it only grows, so a
// consumer ignores a message older than one it has applied. No personal data beyond that pseudonymous pairing.
public sealed record SubscriberAreasChanged(
    Guid EventId, DateTimeOffset OccurredAt, string ResidentId, IReadOnlyList<string> AreaCodes, long Version) : IIntegrationEvent;
