namespace Engagement.Contracts;

// Published by Surgeries when a waitlisted resident is given a place; consumed by Messaging (a message to that resident's inbox).
public sealed record BookingPromoted(
    Guid EventId, DateTimeOffset OccurredAt, Guid SurgeryId, Guid BookingId, string ResidentId, string AreaCode,
    DateTimeOffset StartsAt, VenueInfo Venue) : IIntegrationEvent;
