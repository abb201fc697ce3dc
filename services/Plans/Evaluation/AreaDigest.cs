using Engagement.MartenAdditions;
using Marten;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Plans.Evaluation;

/// <summary>An emerging community Profiles identified in the area: the dimension and value it was found by.</summary>
public sealed record EmergingCommunity(string CandidateId, string Dimension, string Value, DateTimeOffset IdentifiedAt);

/// <summary>
/// What Plans knows of an area's community profile, from Profiles' events: the named communities of its latest version
/// and the emerging communities identified there. A new plan starts from it. Its id is the area code.
/// </summary>
public sealed record AreaDigest(string Id, int ProfileVersion, DateTimeOffset? RefreshedAt, IReadOnlyList<string> NamedCommunities, IReadOnlyList<EmergingCommunity> Emerging)
{
    public static AreaDigest Empty(string area) => new(area, 0, null, [], []);

    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Two of Profiles' events for one area at once: the loser's store fails and the bus retries it on the winner's digest.
        options.Schema.For<AreaDigest>().DocumentAlias("area_digest").UseOptimisticConcurrency(true);
    }
}

/// <summary>A newer profile version replaces the named communities; an older one arriving late changes nothing.</summary>
public sealed class ProfileRefreshedConsumer(IDocumentStore store) : IConsumer<C.CommunityProfileRefreshed>
{
    public const string Name = "plans-profile-refreshed";

    public async Task Consume(ConsumeContext<C.CommunityProfileRefreshed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        await store.HandleOnceAsync(context.MessageId ?? m.EventId, Name, async session =>
        {
            var digest = await session.LoadAsync<AreaDigest>(m.AreaCode, context.CancellationToken) ?? AreaDigest.Empty(m.AreaCode);
            if (m.Version > digest.ProfileVersion)
            {
                session.Store(digest with { ProfileVersion = m.Version, RefreshedAt = m.OccurredAt, NamedCommunities = m.CommunityNames ?? [] });
            }
        }, context.CancellationToken);
    }
}

public sealed class EmergingIdentifiedConsumer(IDocumentStore store) : IConsumer<C.EmergingCommunityIdentified>
{
    public const string Name = "plans-emerging-identified";

    public async Task Consume(ConsumeContext<C.EmergingCommunityIdentified> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        await store.HandleOnceAsync(context.MessageId ?? m.EventId, Name, async session =>
        {
            var digest = await session.LoadAsync<AreaDigest>(m.AreaCode, context.CancellationToken) ?? AreaDigest.Empty(m.AreaCode);
            if (digest.Emerging.All(e => e.CandidateId != m.CandidateId))
            {
                session.Store(digest with { Emerging = [.. digest.Emerging, new EmergingCommunity(m.CandidateId, m.Dimension, m.Value, m.OccurredAt)] });
            }
        }, context.CancellationToken);
    }
}

/// <summary>Queues named for this service, so another service's consumer of the same event gets its own copy.</summary>
public sealed class ProfileRefreshedConsumerDefinition : ConsumerDefinition<ProfileRefreshedConsumer>
{
    public ProfileRefreshedConsumerDefinition() => EndpointName = ProfileRefreshedConsumer.Name;
}

public sealed class EmergingIdentifiedConsumerDefinition : ConsumerDefinition<EmergingIdentifiedConsumer>
{
    public EmergingIdentifiedConsumerDefinition() => EndpointName = EmergingIdentifiedConsumer.Name;
}
