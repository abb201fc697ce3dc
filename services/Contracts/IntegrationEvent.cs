namespace Engagement.Contracts;

/// <summary>
/// What every integration event carries. <see cref="EventId"/> is the source domain event's id (Guid v7) and is also the
/// broker message id, so consumers dedupe on it. No free-text personal data ever travels in a contract.
/// </summary>
public interface IIntegrationEvent
{
    Guid EventId { get; }
    DateTimeOffset OccurredAt { get; }
}

/// <summary>Where a surgery is held. Venue details are public (they are on posters), unlike bookers' details.</summary>
public sealed record VenueInfo(string Name, string Address, string Postcode, bool Accessible, bool PrivateRoom);
