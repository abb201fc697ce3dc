using Engagement.MartenAdditions;
using Engagement.Plans.Priorities;
using Engagement.ServiceDefaults;
using Marten;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Plans.Raisers;

/// <summary>
/// A resident erased in Messaging is forgotten as a raiser of every priority (and where they live, <see cref="ResidentAreas"/>): each priority they raised gets a
/// <see cref="RaiserForgotten"/>, so no view shows them and no later action is sent to them, and the erasure is audited,
/// all in the session that records the message as handled. Their opaque id stays in the earlier events of the log,
/// where it names nobody once Messaging has erased the subscriber it stood for.
/// </summary>
public sealed class ResidentErasedConsumer(IDocumentStore store, EventStoreSettings settings, TimeProvider clock) : IConsumer<C.ResidentErased>
{
    public const string Name = "plans-resident-erased";

    public static IReadOnlyList<object> Decide(Priority state, string residentId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.WasRaisedBy(residentId) ? [new RaiserForgotten(state.Id, residentId, now)] : [];
    }

    public async Task Consume(ConsumeContext<C.ResidentErased> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var erased = context.Message;
        await store.HandleOnceAsync(context.MessageId ?? erased.EventId, Name, async session =>
        {
            session.CausationId = erased.EventId.ToString();
            session.LastModifiedBy = "system:messaging";
            // The tombstone first, under the resident's lock: a raiser added meanwhile has committed and is forgotten
            // below; one arriving later finds the tombstone.
            await MartenAdditions.ErasedResidents.RecordAsync(await session.ConnectionInTransactionAsync(context.CancellationToken), settings.Schema, erased.ResidentId, erased.OccurredAt, context.CancellationToken);
            var forgotten = 0;
            foreach (var doc in await WhatIRaised.PrioritiesRaisedByAsync(session, erased.ResidentId, context.CancellationToken))
            {
                // Fetched for writing, so an action recorded on the priority meanwhile makes this attempt fail and the
                // message is retried, rather than one write overwriting the other's snapshot.
                var stream = await session.Events.FetchForWriting<PriorityDocument>(doc.Id, context.CancellationToken);
                var events = Decide((stream.Aggregate ?? PriorityDocument.Initial).State, erased.ResidentId, clock.GetUtcNow());
                stream.AppendMany(events);
                forgotten += events.Count;
            }

            var conn = await session.ConnectionInTransactionAsync(context.CancellationToken);
            var votes = await VoteForPriority.UnnameAsync(conn, settings.Schema, erased.ResidentId, context.CancellationToken);
            var areas = await ResidentAreas.ForgetAsync(conn, settings.Schema, erased.ResidentId, context.CancellationToken);
            await Audit.RecordManyAsync(conn, null, settings.Schema,
                [new Audit.Row(erased.ErasedBy, null, new Audit.Entry("erase", "resident", erased.ResidentId,
                    "resident erased: forgotten as a raiser of priorities and where they live; their votes kept, unnamed",
                    new { priorities = forgotten, votes, areas }))],
                context.CancellationToken);
        }, context.CancellationToken);
    }
}

/// <summary>
/// The queue is named for this service (<c>plans-resident-erased</c>): every service that holds a resident's data
/// consumes ResidentErased, and each must get every message rather than compete for them.
/// </summary>
public sealed class ResidentErasedConsumerDefinition : ConsumerDefinition<ResidentErasedConsumer>
{
    public ResidentErasedConsumerDefinition()
    {
        EndpointName = ResidentErasedConsumer.Name;
        ConcurrentMessageLimit = 4;
    }
}
