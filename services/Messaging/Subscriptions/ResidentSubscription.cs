using System.Text.Json.Serialization;
using Engagement.MartenAdditions;
using Engagement.Messaging.Delivery;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Engagement.Messaging.Subscriptions;

/// <summary>
/// A resident's subscription, rebuilt from its stream and kept inline as its snapshot document (id = the stream key)
/// with the stream version, so a decision is one read. It is flat, not a state wrapped in a document, so that the
/// session listener sees its personal fields and makes the subject's key in the same transaction. After an erasure it
/// holds no personal field at all (so writing it never makes a key for the erased subject), and it remembers the next
/// generation for a resident who subscribes again.
/// </summary>
public sealed record ResidentSubscription(
    string Id,
    string SubscriberId,
    int Generation,
    [property: PersonalData] string? Postcode,
    [property: PersonalData] string? PostcodeArea,
    [property: PersonalData] IReadOnlyList<string>? Areas,
    [property: PersonalData] IReadOnlyList<string>? Interests,
    [property: PersonalData] string? Language,
    [property: PersonalData] string? QuietStart,
    [property: PersonalData] string? QuietEnd,
    [property: PersonalData] string? Email,
    bool EmailVerified,
    DateTimeOffset? VerificationSentAt,
    [property: PersonalData] string? Phone,
    bool Active,
    long Version,
    DateTimeOffset? Updated,
    bool Erased) : IAggregate<ResidentSubscription>, IHasPersonalData
{
    public const string StreamType = "subscription";

    public static ResidentSubscription Initial { get; } = Fresh("", 1, 0);

    public static string StreamId(string subscriberId) => $"subscription-{subscriberId}";

    public static ResidentSubscription Fresh(string subscriberId, int generation, long version) =>
        new(StreamId(subscriberId), subscriberId, generation, null, null, [], [], "en", null, null, null, false, null, null, false, version, null, false);

    /// <summary>What is left once a resident is erased: nothing personal, and the generation a return would start.</summary>
    public static ResidentSubscription ErasedAt(string subscriberId, int erasedGeneration, long version) =>
        new(StreamId(subscriberId), subscriberId, erasedGeneration + 1, null, null, null, null, null, null, null, null, false, null, null, false, version, null, true);

    [JsonIgnore]
    string IHasPersonalData.DataSubjectId => DataSubjects.Subscriber(SubscriberId, Generation);

    /// <summary>Subscribed at some point and not erased since: what GET /me shows.</summary>
    [JsonIgnore]
    public bool Exists => Interests is { Count: > 0 };

    /// <summary>Where alerts reach this resident from: the postcode's area and the areas chosen.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> AlertAreas =>
        (PostcodeArea is null ? Areas ?? [] : [PostcodeArea, .. Areas ?? []]).Distinct(StringComparer.Ordinal).ToList();

    [JsonIgnore]
    public bool EmailActive => Email is not null && EmailVerified;

    public ResidentSubscription Evolve(object @event) => @event switch
    {
        SubscriptionSet e => this with
        {
            Erased = false,
            SubscriberId = e.SubscriberId, Generation = e.Generation, Postcode = e.Postcode, PostcodeArea = e.PostcodeArea,
            Areas = e.Areas ?? [], Interests = e.Interests ?? [], Language = e.Language ?? "en", QuietStart = e.QuietStart, QuietEnd = e.QuietEnd,
            Active = true,
        },
        EmailAddressGiven e => this with { Email = e.Email, EmailVerified = false, VerificationSentAt = e.VerificationSentAt },
        EmailAddressVerified => this with { EmailVerified = true },
        PhoneNumberGiven e => this with { Phone = e.Phone },
        ChannelUnsubscribed { Channel: Channel.Email } => WithoutEmail(),
        ChannelUnsubscribed { Channel: Channel.Sms } => this with { Phone = null },
        ChannelUnsubscribed { Channel: LinkTokens.All } => WithoutEmail() with { Phone = null, Active = false },
        SubscriberErased e => ErasedAt(e.SubscriberId, e.Generation, Version),
        _ => this,
    };

    private ResidentSubscription WithoutEmail() => this with { Email = null, EmailVerified = false, VerificationSentAt = null };
}

/// <summary>
/// The inline snapshot of each subscription stream, stamped with its stream key, version and the time of its last event.
/// It lists the subscription's own events, so no other stream gets a subscription document.
/// </summary>
public sealed class SubscriptionSnapshot : SingleStreamProjection<ResidentSubscription, string>
{
    public SubscriptionSnapshot()
    {
        IncludeType<SubscriptionSet>();
        IncludeType<EmailAddressGiven>();
        IncludeType<EmailAddressVerified>();
        IncludeType<PhoneNumberGiven>();
        IncludeType<ChannelUnsubscribed>();
        IncludeType<SubscriberErased>();
    }

    public override ResidentSubscription? Evolve(ResidentSubscription? snapshot, string id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var next = (snapshot ?? ResidentSubscription.Initial).Evolve(e.Data);
        return next with { Id = id, Version = e.Version, Updated = e.Timestamp == default ? next.Updated : e.Timestamp };
    }
}
