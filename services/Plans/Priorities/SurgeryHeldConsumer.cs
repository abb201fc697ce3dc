using Engagement.MartenAdditions;
using Marten;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Plans.Priorities;

/// <summary>
/// Every issue raised at a surgery becomes a candidate priority of the surgery's area, or a mention of the one already
/// raised for that category. Handled once per message: the inbox entry commits with the appended events. A raiser
/// erased before the message arrived (it was in flight) is left out: the issue still counts, but names nobody.
/// </summary>
public sealed class SurgeryHeldConsumer(IDocumentStore store, EventStoreSettings settings) : IConsumer<C.SurgeryHeld>
{
    public const string Name = "plans-surgery-held";

    public async Task Consume(ConsumeContext<C.SurgeryHeld> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var held = context.Message;
        var candidates = held.IssuesRaised
            .Select((issue, i) => (issue, i))
            .Where(x => RaisePriority.Category(x.issue.Category).Length > 0 && !string.IsNullOrWhiteSpace(x.issue.Summary))
            // Raisers are only those who consented to hear back (Surgeries sends no others), as opaque resident ids.
            .Select(x => new Candidate(held.AreaCode, RaisePriority.Category(x.issue.Category),
                new Mention("surgery", $"surgery:{held.SurgeryId}:{x.i}", x.issue.Summary.Trim(), held.StartsAt,
                    x.issue.RaiserIds.Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal).ToList())))
            .ToList();
        await store.HandleOnceAsync(context.MessageId ?? held.EventId, Name, async session =>
        {
            session.CausationId = held.EventId.ToString();
            session.LastModifiedBy = "system:surgeries";
            await RaisePriority.AppendAsync(session, await Raisers.PlanRaisers.WithoutErasedAsync(session, settings.Schema, candidates, context.CancellationToken),
                context.CancellationToken);
        }, context.CancellationToken);
    }
}

/// <summary>
/// A handful of surgeries' issues in parallel per instance: two messages for one area and category only collide on its
/// stream, and the loser is retried. The queue is named for this service, because the kebab-case name of the type alone
/// (<c>surgery-held</c>) would be shared with any other service's consumer of the same event, and the two would then
/// compete for its messages instead of each getting every one.
/// </summary>
public sealed class SurgeryHeldConsumerDefinition : ConsumerDefinition<SurgeryHeldConsumer>
{
    public SurgeryHeldConsumerDefinition()
    {
        EndpointName = SurgeryHeldConsumer.Name;
        ConcurrentMessageLimit = 4;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<SurgeryHeldConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        // Losing a race on a priority's stream is a concurrency error that a prompt retry resolves; the bus-wide retry
        // intervals already cover it, so nothing more than the limit is set here.
        endpointConfigurator.PrefetchCount = 8;
    }
}
