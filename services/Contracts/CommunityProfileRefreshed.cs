namespace Engagement.Contracts;

// Published by Profiles when an analyst publishes a new version of an area's community profile; consumed by Plans (the
// area's plan needs review). Counts only: no names of people, no free text.
public sealed record CommunityProfileRefreshed(
    Guid EventId, DateTimeOffset OccurredAt, string AreaCode, int Version, long Population, long Households, int NamedCommunities,
    int NewGroups, int GrownGroups, int ThresholdsCrossed) : IIntegrationEvent;
