namespace Engagement.Contracts;

// Published by Messaging once a day (and when an administrator asks): how many residents and key individuals each area's
// channels reach. Counts only, never who; consumed by Profiles, which sets them against the census ("reach").
public sealed record AudienceCounted(Guid EventId, DateTimeOffset OccurredAt, DateOnly CountedOn, IReadOnlyList<AreaAudience> Areas) : IIntegrationEvent;

/// <param name="Subscribers">Active resident subscriptions that include the area.</param>
/// <param name="SubscribersByChannel">Of those, how many each channel reaches: <c>inapp</c> (all), <c>email</c> (verified), <c>sms</c>.</param>
/// <param name="SubscribersByLanguage">Of those, how many read each language (ISO 639-1 code).</param>
/// <param name="KinMembers">Active key individuals of the area.</param>
public sealed record AreaAudience(
    string AreaCode, int Subscribers, IReadOnlyDictionary<string, int> SubscribersByChannel, IReadOnlyDictionary<string, int> SubscribersByLanguage, int KinMembers);
