namespace Engagement.Contracts;

// Published by Profiles when two independent sources signal a new community in an area; consumed by Plans (the area's
// plan should consider it). A dimension and value such as "nationality"/"Romanian", and counts: no personal data.
public sealed record EmergingCommunityIdentified(
    Guid EventId, DateTimeOffset OccurredAt, string CandidateId, string AreaCode, string Dimension, string Value, int SignallingSources) : IIntegrationEvent;
