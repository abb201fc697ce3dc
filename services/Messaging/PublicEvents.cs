using Engagement.Messaging.Alerts;
using JasperFx.Events;
using C = Engagement.Contracts;

namespace Engagement.Messaging;

/// <summary>What the relay publishes: AlertSent, AlertCompleted, ReplyReceived, AudienceCounted, ResidentErased and SubscriberAreasChanged, with no personal data.</summary>
public static class PublicEvents
{
    public static object? Map(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Data switch
        {
            AlertDispatched d => new C.AlertSent(e.Id, e.Timestamp, d.AlertId, d.Type, d.Priority, d.Audience.Areas, d.Audience.Interests, (int)d.Targeted),
            AlertFinished f => new C.AlertCompleted(e.Id, e.Timestamp, f.AlertId, (int)f.Targeted, (int)f.Delivered, (int)f.Failed, (int)f.Suppressed,
                f.DeliveredByChannel.ToDictionary(x => x.Key, x => (int)x.Value)),
            AudienceCounts.AudienceCounted => AudienceCounts.AudienceFeature.Map(e),
            Subscriptions.SubscriberErased x => new C.ResidentErased(e.Id, e.Timestamp, x.SubscriberId, x.ErasedBy),
            Subscriptions.SubscriptionSet or Subscriptions.ChannelUnsubscribed => Subscriptions.SubscriberAreas.Map(e),
            _ => Replies.ReplyEvents.Map(e),
        };
    }
}
