namespace Engagement.EventStore.Tests;

/// <summary>
/// An append whose transaction is held open after its rows are written: the stream row is locked and its sequence
/// numbers are taken, but nothing has committed. Release commits it; Fail rolls it back.
/// </summary>
public sealed class HeldAppend
{
    private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HeldAppend(EventStore store, string streamId, ExpectedVersion expected, object[] events)
    {
        var session = store.OpenSession();
        session.Append(streamId, "thing", expected, events);
        session.Execute(async (_, _, _) =>
        {
            _written.TrySetResult();
            if (!await _gate.Task)
            {
                throw new InvalidOperationException("rolled back on purpose");
            }
        });
        Completion = session.SaveChangesAsync();
    }

    public Task<IReadOnlyDictionary<string, long>> Completion { get; }

    public static async Task<HeldAppend> StartAsync(EventStore store, string streamId, ExpectedVersion expected, params object[] events)
    {
        var held = new HeldAppend(store, streamId, expected, events);
        await Task.WhenAny(held._written.Task, held.Completion);
        if (held.Completion.IsFaulted)
        {
            await held.Completion;
        }

        return held;
    }

    public Task<IReadOnlyDictionary<string, long>> CommitAsync()
    {
        _gate.TrySetResult(true);
        return Completion;
    }

    public async Task RollBackAsync()
    {
        _gate.TrySetResult(false);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Completion);
    }
}
