namespace Engagement.Contracts;

// Published by Surgeries when a surgery's time or venue changes; consumed by Messaging (tells the booked residents).
public sealed record SurgeryRescheduled(
    Guid EventId, DateTimeOffset OccurredAt, Guid SurgeryId, string AreaCode,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, VenueInfo Venue, IReadOnlyList<string> BookedResidentIds) : IIntegrationEvent;
