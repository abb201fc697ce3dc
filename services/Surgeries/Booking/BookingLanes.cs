using System.Collections.Concurrent;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Engagement.Surgeries.Retention;
using Marten;

namespace Engagement.Surgeries.Booking;

/// <summary>
/// One lane per surgery. Requests queue in arrival order; whoever holds the lane decides every queued request against
/// the surgery in turn and appends all the resulting events in one append. A hundred people booking the last places
/// at once therefore cost a few appends rather than a hundred conflicting ones, and the waitlist is first in, first out.
/// A batch is one pass through the command path: another writer of the same surgery (a cancellation, another
/// instance of the service) is caught by the expected version, and the whole batch is decided again from the new state.
/// </summary>
public sealed class BookingLanes(IDocumentStore store, EventStoreSettings settings, TimeProvider clock)
{
    private const int MaxBatch = 500;
    private readonly ConcurrentDictionary<Guid, Lane> _lanes = new();

    public async Task<BookingResult> BookAsync(BookPlace command, Action<Surgery> authorise, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        // No load here: the lane loads the surgery once per batch and authorises each request against it, so an
        // attempt's cost does not grow with the bookings the surgery already holds.
        var pending = new Pending(command, authorise);
        var lane = _lanes.GetOrAdd(command.SurgeryId, _ => new Lane());
        lane.Queue.Enqueue(pending);
        while (!pending.Completion.Task.IsCompleted)
        {
            await lane.Gate.WaitAsync(ct);
            try
            {
                if (!pending.Completion.Task.IsCompleted)
                {
                    // The batch belongs to every caller in it, so one caller giving up must not cancel it.
                    await ProcessAsync(command.SurgeryId, lane, CancellationToken.None);
                }
            }
            finally
            {
                lane.Gate.Release();
            }
        }

        return await pending.Completion.Task;
    }

    private async Task ProcessAsync(Guid surgeryId, Lane lane, CancellationToken ct)
    {
        var batch = new List<Pending>();
        while (batch.Count < MaxBatch && lane.Queue.TryDequeue(out var p))
        {
            batch.Add(p);
        }

        try
        {
            var outcomes = new List<(Pending P, Exception? Error)>();
            // Residents found erased while the batch was being written: it is decided again, refusing theirs.
            var erased = new HashSet<string>(StringComparer.Ordinal);
            CommandResult<SurgeryDocument>? result = null;
            while (result is null)
            {
                try
                {
                    result = await DecideAndAppendAsync(surgeryId, batch, outcomes, erased, ct);
                }
                catch (ResidentsErasedMeanwhileException e)
                {
                    erased.UnionWith(e.ResidentIds);
                }
            }

            foreach (var (p, error) in outcomes)
            {
                if (error is null)
                {
                    p.Completion.TrySetResult(BookPlaceDecision.Result(result.State.State, p.Command.BookingId));
                }
                else
                {
                    p.Completion.TrySetException(error);
                }
            }
        }
        catch (Exception e)
        {
            foreach (var p in batch)
            {
                p.Completion.TrySetException(e);
            }
        }

        if (lane.Queue.IsEmpty)
        {
            // Safe to drop: a request that still holds this lane drains the queue itself before it returns.
            _lanes.TryRemove(new KeyValuePair<Guid, Lane>(surgeryId, lane));
        }
    }

    private Task<CommandResult<SurgeryDocument>> DecideAndAppendAsync(
        Guid surgeryId, List<Pending> batch, List<(Pending P, Exception? Error)> outcomes, HashSet<string> erased, CancellationToken ct) =>
        SurgeryCommands.HandleAsync(store, surgeryId, null, batch[0].Command.BookedBy, surgery =>
            {
                // Every attempt decides the whole batch afresh, against the state the last writer left.
                outcomes.Clear();
                var state = surgery;
                var now = clock.GetUtcNow();
                var events = new List<object>();
                foreach (var p in batch)
                {
                    if (erased.Contains(p.Command.ResidentId))
                    {
                        outcomes.Add((p, new DomainException(StatusCodes.Status410Gone, "erased", "This resident's data has been erased.",
                            "The resident was erased while the booking was being made, so nothing of it was kept.")));
                        continue;
                    }

                    try
                    {
                        p.Authorise(state);
                        var decided = BookPlaceDecision.Decide(state, p.Command, now);
                        foreach (var e in decided)
                        {
                            state = state.Evolve(e);
                        }

                        events.AddRange(decided);
                        outcomes.Add((p, null));
                    }
                    catch (Engagement.ServiceDefaults.DomainException e)
                    {
                        outcomes.Add((p, e));
                    }
                }

                return events;
            }, NameEachBookerAndRecordTheCollection, ct);

    /// <summary>
    /// A batch holds many people's bookings; each event records who made it, not whoever led the batch, and each
    /// booker's details taken are a collection in the audit log (DPA 2018 s62), committed with the booking or not at all.
    /// </summary>
    private async Task NameEachBookerAndRecordTheCollection(IDocumentSession session, Surgery _, CancellationToken ct)
    {
        var collected = new List<Audit.Row>();
        var residents = new List<string>();
        foreach (var e in session.PendingChanges.Streams().SelectMany(s => s.Events))
        {
            var (surgeryId, bookingId, residentId, bookedBy, status, consentToHearBack) = e.Data switch
            {
                PlaceBooked b => (b.SurgeryId, b.BookingId, b.ResidentId, b.BookedBy, "booked", b.ConsentToHearBack),
                PlaceWaitlisted w => (w.SurgeryId, w.BookingId, w.ResidentId, w.BookedBy, "waitlisted", w.ConsentToHearBack),
                _ => (Guid.Empty, Guid.Empty, (string?)null, (string?)null, (string?)null, false),
            };
            if (bookedBy is not null)
            {
                e.UserName = bookedBy;
                residents.Add(residentId!);
                collected.Add(new Audit.Row(bookedBy, null, new Audit.Entry("collect", "booking", bookingId.ToString(),
                    "booker's details taken for a surgery booking", new { surgeryId, status, consentToHearBack })));
            }
        }

        var conn = await session.ConnectionInTransactionAsync(ct);
        // An erasure of one of these residents in flight is waited for; one already committed refuses their booking.
        if (await ErasedResidents.LockAndFindAsync(conn, settings.Schema, residents, ct) is { Count: > 0 } erased)
        {
            throw new ResidentsErasedMeanwhileException(erased);
        }

        await Audit.RecordManyAsync(conn, null, settings.Schema, collected, ct);
    }

    private sealed class Lane
    {
        public ConcurrentQueue<Pending> Queue { get; } = new();
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }

    private sealed class Pending(BookPlace command, Action<Surgery> authorise)
    {
        public BookPlace Command { get; } = command;
        public Action<Surgery> Authorise { get; } = authorise;
        public TaskCompletionSource<BookingResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
