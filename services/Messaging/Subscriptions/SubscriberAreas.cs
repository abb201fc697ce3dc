using JasperFx.Events;
using C = Engagement.Contracts;

namespace Engagement.Messaging.Subscriptions;

/// <summary>
/// What other services learn of where a resident lives: <see cref="C.SubscriberAreasChanged"/>, the area of the postcode
/// they gave, keyed by their opaque subscriber id. Plans lets a resident vote on the candidate priorities of that area
/// (resident tokens name no area). Areas chosen only to hear alerts from are left out: voting is for those who live there.
/// The stream's version travels with it, so an older message arriving late changes nothing.
/// </summary>
public static class SubscriberAreas
{
    public static object? Map(IEvent e) => e?.Data switch
    {
        // Read back after an erasure (a replay), the postcode's area is gone: published as none.
        SubscriptionSet s => new C.SubscriberAreasChanged(e.Id, e.Timestamp, s.SubscriberId, s.PostcodeArea is { } area ? [area] : [], e.Version),
        ChannelUnsubscribed { Channel: LinkTokens.All } u => new C.SubscriberAreasChanged(e.Id, e.Timestamp, u.SubscriberId, [], e.Version),
        _ => null,
    };
}
