namespace Engagement.Contracts;

// Published by Surgeries when a surgery is cancelled; consumed by Messaging (tells the area and the booked residents).
public sealed record SurgeryCancelled(
    Guid EventId, DateTimeOffset OccurredAt, Guid SurgeryId, string AreaCode, DateTimeOffset StartsAt,
    string Reason, IReadOnlyList<string> BookedResidentIds) : IIntegrationEvent;
