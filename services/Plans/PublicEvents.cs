using Engagement.Plans.Planning;
using JasperFx.Events;
using C = Engagement.Contracts;

namespace Engagement.Plans;

/// <summary>What the relay publishes: the public domain events, as Contracts records.</summary>
public static class PublicEvents
{
    public static object? Map(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Data switch
        {
            PlanPublished p => new C.PlanPublished(e.Id, e.Timestamp, p.PlanId, p.AreaCode, p.Revision.Number, p.StartsOn, p.EndsOn, p.Revision.Objectives.Count),
            _ => null,
        };
    }
}
