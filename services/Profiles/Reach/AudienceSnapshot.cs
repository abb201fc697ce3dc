using Engagement.MartenAdditions;
using Marten;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Profiles.Reach;

/// <summary>One day's audience count from Messaging, kept as it came (numbers only). Its id is the day.</summary>
public sealed record AudienceSnapshot(string Id, DateOnly CountedOn, DateTimeOffset CountedAt, IReadOnlyList<C.AreaAudience> Areas)
{
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema.For<AudienceSnapshot>().DocumentAlias("audience_snapshot").Index(s => s.CountedOn);
    }

    public static async Task<AudienceSnapshot?> LatestAsync(IQuerySession session, CancellationToken ct) =>
        await session.Query<AudienceSnapshot>().OrderByDescending(s => s.CountedOn).FirstOrDefaultAsync(ct);
}

/// <summary>Keeps each day's count; a repeated message (or a second count of a day) stores the same document again.</summary>
public sealed class AudienceCountedConsumer(IDocumentStore store) : IConsumer<C.AudienceCounted>
{
    public const string Name = "profiles-audience-counted";

    public async Task Consume(ConsumeContext<C.AudienceCounted> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        await store.HandleOnceAsync(context.MessageId ?? m.EventId, Name, session =>
        {
            session.Store(new AudienceSnapshot(m.CountedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), m.CountedOn, m.OccurredAt, m.Areas));
            return Task.CompletedTask;
        }, context.CancellationToken);
    }
}

/// <summary>Named for this service, so another service's consumer of the same event gets its own copy.</summary>
public sealed class AudienceCountedConsumerDefinition : ConsumerDefinition<AudienceCountedConsumer>
{
    public AudienceCountedConsumerDefinition() => EndpointName = AudienceCountedConsumer.Name;
}
