namespace Engagement.Contracts;

// Published by Surgeries when a surgery is scheduled; consumed by Messaging (announces it to the area's residents and KIN).
public sealed record SurgeryScheduled(
    Guid EventId, DateTimeOffset OccurredAt, Guid SurgeryId, string AreaCode, string Title,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, VenueInfo Venue, int? Capacity, IReadOnlyList<string> Topics) : IIntegrationEvent;
