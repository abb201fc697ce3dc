using Engagement.Profiles.Versions;
using JasperFx.Events;
using C = Engagement.Contracts;

namespace Engagement.Profiles;

/// <summary>What the relay publishes: the public domain events, as Contracts records. Counts and the names of communities, never of people.</summary>
public static class PublicEvents
{
    public static object? Map(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Data switch
        {
            ProfilePublished p => new C.CommunityProfileRefreshed(e.Id, e.Timestamp, p.AreaCode, p.Version, p.Counts.Population, p.Counts.Households,
                p.Counts.NamedCommunities.Count, p.Diff.NewGroups.Count, p.Diff.GrownGroups.Count, p.Diff.ThresholdsCrossed.Count, p.Counts.NamedCommunities),
            Emerging.EmergingCommunityIdentified i => new C.EmergingCommunityIdentified(e.Id, e.Timestamp, i.CandidateId, i.AreaCode, i.Dimension, i.Value,
                i.Evidence.Count(s => s.Signals)),
            _ => null,
        };
    }
}
