using Engagement.Plans.Planning;
using Engagement.Plans.Priorities;
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
            PriorityRaised r => new C.PriorityRaised(e.Id, e.Timestamp, r.PriorityId, r.AreaCode, r.Category, r.Round, r.Mention.Source, r.Mention.RaisedAt),
            PriorityActioned a => new C.PriorityActioned(e.Id, e.Timestamp, a.PriorityId, a.Action.ActionId, a.AreaCode, a.Issue, a.Action.On, a.Action.Text,
                a.Action.Outcome, a.RaiserIds),
            PriorityClosed c => new C.PriorityClosed(e.Id, e.Timestamp, c.PriorityId, c.AreaCode, c.Category),
            _ => null,
        };
    }
}
