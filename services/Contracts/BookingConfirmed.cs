namespace Engagement.Contracts;

// Published by Surgeries when a resident's booking is confirmed; consumed by Messaging (a message to that resident's inbox).
public sealed record BookingConfirmed(
    Guid EventId, DateTimeOffset OccurredAt, Guid SurgeryId, Guid BookingId, string ResidentId, string AreaCode,
    DateTimeOffset StartsAt, VenueInfo Venue) : IIntegrationEvent;
