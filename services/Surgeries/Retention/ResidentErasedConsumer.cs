using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Booking;
using Engagement.Surgeries.Listing;
using Marten;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Surgeries.Retention;

/// <summary>
/// A resident erased in Messaging is erased here too, without waiting for the retention period: the keys of all their
/// bookings, in every surgery, become tombstones in one transaction, with an event on each surgery they booked and one
/// audit row. Handled once per message: the inbox entry commits with the effect, so a redelivery changes nothing.
/// </summary>
public sealed class ResidentErasedConsumer(IDocumentStore store, EventStoreSettings settings) : IConsumer<C.ResidentErased>
{
    public const string Name = "surgeries-resident-erased";

    public async Task Consume(ConsumeContext<C.ResidentErased> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        var ct = context.CancellationToken;
        await store.HandleOnceAsync(context.MessageId ?? m.EventId, Name, async session =>
        {
            session.CausationId = m.EventId.ToString();
            session.LastModifiedBy = "system:messaging";
            // The tombstone first, under the resident's lock: a booking naming them waits for this commit and is then
            // refused, and one that committed before is found by the query below.
            await ErasedResidents.RecordAsync(await session.ConnectionInTransactionAsync(ct), settings.Schema, m.ResidentId, m.OccurredAt, ct);
            // Only the ids are selected, so nothing personal is decrypted to find the bookings.
            var bookings = await session.Query<ResidentBooking>().Where(b => b.ResidentId == m.ResidentId)
                .Select(b => new { b.BookingId, b.SurgeryId }).ToListAsync(ct);
            foreach (var surgery in bookings.GroupBy(b => b.SurgeryId))
            {
                var stream = await session.Events.FetchForWriting<SurgeryDocument>(Surgery.StreamId(surgery.Key), ct);
                if (stream.Aggregate is { State.Exists: true } doc)
                {
                    stream.AppendMany(Decide(doc.State, m));
                }

                foreach (var booking in surgery)
                {
                    session.EraseSubject(IBookerDetails.BookerSubject(booking.BookingId));
                }
            }

            await Audit.RecordManyAsync(await session.ConnectionInTransactionAsync(ct), null, settings.Schema,
            [
                new Audit.Row(m.ErasedBy, null, new Audit.Entry("erase", "resident", m.ResidentId, "resident erased: their bookings' details in every surgery",
                    new { surgeries = bookings.Select(b => b.SurgeryId).Distinct().ToList(), bookings = bookings.Count, messageId = context.MessageId ?? m.EventId })),
            ], ct);
        }, ct);
    }

    /// <summary>The resident's bookings at this surgery whose details are not erased yet; nothing when there are none.</summary>
    public static IReadOnlyList<object> Decide(Surgery s, C.ResidentErased command)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(command);
        var ids = s.BookerDetailsErased
            ? []
            : s.Bookings.Where(b => b.ResidentId == command.ResidentId && !b.DetailsErased).Select(b => b.BookingId).ToList();
        return ids.Count == 0 ? [] : [new ResidentBookingsErased(s.Id, ids, command.ResidentId, command.ErasedBy)];
    }
}

/// <summary>
/// One erasure at a time per instance is plenty, and keeps two erasures of residents booked on one surgery from racing
/// on its stream. The queue is named for this service, so Plans' consumer of the same event gets its own queue.
/// </summary>
public sealed class ResidentErasedConsumerDefinition : ConsumerDefinition<ResidentErasedConsumer>
{
    public ResidentErasedConsumerDefinition()
    {
        EndpointName = ResidentErasedConsumer.Name;
        ConcurrentMessageLimit = 1;
    }
}
