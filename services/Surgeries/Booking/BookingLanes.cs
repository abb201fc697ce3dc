using System.Collections.Concurrent;
using Engagement.EventStore;
using Engagement.Surgeries.Listing;

namespace Engagement.Surgeries.Booking;

/// <summary>
/// One lane per surgery. Requests queue in arrival order; whoever holds the lane decides every queued request against
/// the surgery in turn and appends all the resulting events in one append. A hundred people booking the last places
/// at once therefore cost a few appends rather than a hundred conflicting ones, and the waitlist is first in, first out.
/// Another instance of the service writing the same surgery is caught by the expected version, and the batch is
/// decided again from the new state.
/// </summary>
public sealed class BookingLanes(EventStore.EventStore store, TimeProvider clock)
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
            await SurgeryLoader.RetryOnConflictAsync(async () =>
            {
                var doc = await SurgeryLoader.LoadAsync(store, surgeryId, ct);
                var state = doc.State;
                var events = new List<object>();
                var outcomes = new List<(Pending P, Exception? Error)>();
                foreach (var p in batch)
                {
                    try
                    {
                        p.Authorise(state);
                        var decided = BookPlaceDecision.Decide(state, p.Command, clock.GetUtcNow());
                        foreach (var e in decided)
                        {
                            state = state.Apply(e);
                        }

                        events.AddRange(decided);
                        outcomes.Add((p, null));
                    }
                    catch (Engagement.ServiceDefaults.DomainException e)
                    {
                        outcomes.Add((p, e));
                    }
                }

                if (events.Count > 0)
                {
                    await store.AppendAsync(Surgery.StreamId(surgeryId), Surgery.StreamType, ExpectedVersion.Exactly(doc.Version), events,
                        new EventMetadata(UserId: batch[0].Command.BookedBy), ct);
                }

                foreach (var (p, error) in outcomes)
                {
                    if (error is null)
                    {
                        p.Completion.TrySetResult(BookPlaceDecision.Result(state, p.Command.BookingId));
                    }
                    else
                    {
                        p.Completion.TrySetException(error);
                    }
                }

                return true;
            });
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
