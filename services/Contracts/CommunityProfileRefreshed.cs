namespace Engagement.Contracts;

// Published by Profiles when an analyst publishes a new version of an area's community profile; consumed by Plans (the
// area's plan needs review, and starts from the named communities). Counts and the names of communities (groups, such as
// "Roma households in Berridge"): no names of people, no other free text.
public sealed record CommunityProfileRefreshed(
    Guid EventId, DateTimeOffset OccurredAt, string AreaCode, int Version, long Population, long Households, int NamedCommunities,
    int NewGroups, int GrownGroups, int ThresholdsCrossed, IReadOnlyList<string>? CommunityNames = null) : IIntegrationEvent;
