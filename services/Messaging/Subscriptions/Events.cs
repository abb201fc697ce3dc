using System.Text.Json.Serialization;
using Engagement.MartenAdditions;
using Marten;

namespace Engagement.Messaging.Subscriptions;

// Domain events of a resident's subscription (stream "subscription-{sub}"). None is public: other services hear about
// residents only through alerts and replies. Everything the resident told us is personal data, encrypted under their
// key; not only contact details, because areas, interests and language together can say where somebody lives and hint
// at their ethnicity.

/// <summary>Events holding what the resident told us, encrypted under the key of their current generation.</summary>
public interface ISubscriberData : IHasPersonalData
{
    string SubscriberId { get; }

    /// <summary>1 for the first subscription; one more after each erasure (see <see cref="DataSubjects.Subscriber"/>).</summary>
    int Generation { get; }

    [JsonIgnore]
    string IHasPersonalData.DataSubjectId => DataSubjects.Subscriber(SubscriberId, Generation);
}

/// <summary>The whole of the resident's targeting preferences, as a PUT gives them; it also resumes a paused subscription.</summary>
public sealed record SubscriptionSet(
    string SubscriberId, int Generation,
    [property: PersonalData] string? Postcode,
    [property: PersonalData] string? PostcodeArea,
    [property: PersonalData] IReadOnlyList<string>? Areas,
    [property: PersonalData] IReadOnlyList<string>? Interests,
    [property: PersonalData] string? Language,
    [property: PersonalData] string? QuietStart,
    [property: PersonalData] string? QuietEnd) : ISubscriberData;

/// <summary>An address to email, not used until its verification link is followed.</summary>
public sealed record EmailAddressGiven(string SubscriberId, int Generation, [property: PersonalData] string? Email, DateTimeOffset VerificationSentAt) : ISubscriberData;

/// <summary>The verification link for the address on file was followed.</summary>
public sealed record EmailAddressVerified(string SubscriberId);

public sealed record PhoneNumberGiven(string SubscriberId, int Generation, [property: PersonalData] string? Phone) : ISubscriberData;

/// <summary>
/// A channel stopped: <c>email</c> or <c>sms</c> drops that address or number (we keep no contact detail we may not
/// use), <c>all</c> pauses every alert, in-app included, and drops both. <c>Via</c> is <c>preferences</c>, <c>link</c>
/// or <c>one-click</c>.
/// </summary>
public sealed record ChannelUnsubscribed(string SubscriberId, string Channel, string Via);

/// <summary>The resident was erased: their key is gone, so every earlier event of theirs reads back without personal fields.</summary>
public sealed record SubscriberErased(string SubscriberId, int Generation, string ErasedBy);

public static class SubscriptionEventTypes
{
    /// <summary>The aliases are what the event log stores; they outlive any rename of a type, so never change one.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<SubscriptionSet>("subscription_set");
        options.Events.MapEventType<EmailAddressGiven>("subscription_email_given");
        options.Events.MapEventType<EmailAddressVerified>("subscription_email_verified");
        options.Events.MapEventType<PhoneNumberGiven>("subscription_phone_given");
        options.Events.MapEventType<ChannelUnsubscribed>("subscription_channel_unsubscribed");
        options.Events.MapEventType<SubscriberErased>("subscriber_erased");
    }
}
