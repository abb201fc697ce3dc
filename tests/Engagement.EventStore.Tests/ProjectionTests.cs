using Engagement.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engagement.EventStore.Tests;

public sealed class ProjectionTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task an_inline_projection_commits_with_the_events()
    {
        var store = await db.StoreAsync("proj_inline");
        store.AddInlineProjection(new StreamSummaryProjection());

        await store.AppendAsync("s1", "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1), new ThingHappened("b", 2)]);
        await store.AppendAsync("s1", "thing", ExpectedVersion.Exactly(2), [new ThingRenamed("c")]);

        Assert.Equal(new StreamSummary("s1", 3, "c"), await store.LoadAsync<StreamSummary>("s1"));
    }

    [Fact]
    public async Task an_inline_projection_that_fails_rolls_back_the_append()
    {
        var store = await db.StoreAsync("proj_inline_fail");
        store.AddInlineProjection(new FailingProjection());

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.AppendAsync("s1", "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)]));

        Assert.Empty(await store.ReadStreamAsync("s1"));
    }

    [Fact]
    public async Task a_projection_rebuilt_from_zero_equals_the_live_one()
    {
        var store = await db.StoreAsync("proj_rebuild");
        var projection = new StreamSummaryProjection();
        store.AddInlineProjection(projection);
        for (var i = 0; i < 30; i++)
        {
            var stream = $"s{i % 7}";
            await store.AppendAsync(stream, "thing", ExpectedVersion.Any, [i % 3 == 0 ? new ThingRenamed($"r{i}") : new ThingHappened($"h{i}", i)]);
        }

        var live = await store.QueryAsync<StreamSummary>("true", orderBy: "id");
        // Damage the read model, as a bug or a hand edit would, so the rebuild has to recompute it.
        await using (var session = store.OpenSession())
        {
            session.Delete<StreamSummary>("s3");
            session.Store("s4", new StreamSummary("s4", 999, "wrong"));
            await session.SaveChangesAsync();
        }

        await AsyncProjection.RebuildAsync(store, projection);

        var rebuilt = await store.QueryAsync<StreamSummary>("true", orderBy: "id");
        Assert.Equal(7, live.Count);
        Assert.Equal(live, rebuilt);
        Assert.Equal(30, rebuilt.Sum(s => s.Events));
    }

    [Fact]
    public async Task only_one_runner_is_active_and_another_takes_over_without_loss_or_duplicates()
    {
        var first = await db.StoreAsync("proj_runner", "runner-one");
        var second = await db.StoreAsync("proj_runner", "runner-two");
        var writer = await db.StoreAsync("proj_runner");
        var runnerOne = new SubscriptionRunner(first, [new AsyncProjection(new TallyProjection())], NullLogger<SubscriptionRunner>.Instance);
        var runnerTwo = new SubscriptionRunner(second, [new AsyncProjection(new TallyProjection())], NullLogger<SubscriptionRunner>.Instance);
        await runnerOne.StartAsync(default);
        await TestInfrastructure.EventuallyAsync(() => Task.FromResult(runnerOne.IsActive), a => a, what: "the first runner to take the lock");
        await runnerTwo.StartAsync(default);

        for (var i = 0; i < 100; i++)
        {
            await writer.AppendAsync($"s{i % 10}", "thing", ExpectedVersion.Any, [new ThingHappened("x", i)]);
        }

        await TestInfrastructure.EventuallyAsync(() => TallyAsync(writer), t => t == 100, what: "the first runner to project 100 events");
        Assert.True(runnerOne.IsActive);
        Assert.False(runnerTwo.IsActive);

        // The active instance dies: its sessions are cut (as when its process is killed) and it does not come back.
        // Writes carry on meanwhile; a batch it had in flight must not be applied twice.
        var appending = Task.Run(async () =>
        {
            for (var i = 100; i < 300; i++)
            {
                await writer.AppendAsync($"s{i % 10}", "thing", ExpectedVersion.Any, [new ThingHappened("y", i)]);
            }
        });
        await db.ScalarAsync<bool>("select bool_and(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'runner-one'");
        await runnerOne.StopAsync(default);
        await appending;

        await TestInfrastructure.EventuallyAsync(() => Task.FromResult(runnerTwo.IsActive), a => a, what: "the second runner to take over");
        await TestInfrastructure.EventuallyAsync(() => TallyAsync(writer), t => t >= 300, what: "the second runner to catch up");
        var seen = await db.ScalarAsync<long>("select count(*) from proj_runner.documents where type = 'Seen'");
        Assert.Equal(300, await TallyAsync(writer));
        Assert.Equal(300, seen);
        await runnerTwo.StopAsync(default);
    }

    [Fact]
    public async Task a_runner_that_lost_its_lock_mid_batch_cannot_make_its_successor_apply_that_batch_twice()
    {
        var first = await db.StoreAsync("proj_takeover", "takeover-one");
        var second = await db.StoreAsync("proj_takeover", "takeover-two");
        var writer = await db.StoreAsync("proj_takeover");
        for (var i = 0; i < 10; i++)
        {
            await writer.AppendAsync($"s{i}", "thing", ExpectedVersion.Any, [new ThingHappened("x", i)]);
        }

        var gated = new GatedTallyProjection();
        var runnerOne = new SubscriptionRunner(first, [new AsyncProjection(gated)], NullLogger<SubscriptionRunner>.Instance);
        var runnerTwo = new SubscriptionRunner(second, [new AsyncProjection(new TallyProjection())], NullLogger<SubscriptionRunner>.Instance);
        await runnerOne.StartAsync(default);
        // Runner one is inside its batch: its transaction holds the checkpoint row, nothing is committed yet.
        await gated.Entered.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await runnerTwo.StartAsync(default);

        // Runner one loses its lock (its lock session is cut) while its batch is still open, as in a long pause.
        await db.ScalarAsync<bool>(
            "select bool_and(pg_terminate_backend(l.pid)) from pg_locks l join pg_stat_activity a using (pid) " +
            "where l.locktype = 'advisory' and a.application_name = 'takeover-one'");
        await TestInfrastructure.EventuallyAsync(() => Task.FromResult(runnerTwo.IsActive), a => a, what: "runner two to take the lock");
        await db.WaitUntilBlockedAsync("takeover-two");

        // Runner one's batch now commits; runner two, waiting on the same checkpoint row, must not apply it again.
        gated.Gate.SetResult();
        await TestInfrastructure.EventuallyAsync(() => TallyAsync(writer), t => t >= 10, what: "runner one's batch to commit");
        await runnerOne.StopAsync(default);
        await writer.AppendAsync("late", "thing", ExpectedVersion.Any, [new ThingHappened("late", 99)]);

        await TestInfrastructure.EventuallyAsync(SeenAsync, n => n == 11, what: "runner two to project the late event");
        await TestInfrastructure.EventuallyAsync(() => TallyAsync(writer), t => t >= 11, what: "the tally to include the late event");
        Assert.Equal(11, await TallyAsync(writer));
        await runnerTwo.StopAsync(default);

        Task<long> SeenAsync() => db.ScalarAsync<long>("select count(*) from proj_takeover.documents where type = 'Seen'");
    }

    [Fact]
    public async Task an_event_that_cannot_be_read_stops_its_subscription_there_with_the_error_recorded_and_the_runner_survives()
    {
        var runnerStore = await db.StoreAsync("proj_poison", "poison-runner");
        var writer = await db.StoreAsync("proj_poison");
        await writer.AppendAsync("good", "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1), new ThingHappened("b", 2)]);
        await writer.AppendAsync("bad", "thing", ExpectedVersion.NoStream, [new ThingHappened("c", 3)]);
        await db.ScalarAsync<int>("update proj_poison.events set type = 'from_a_newer_release' where stream_id = 'bad' returning 1");
        var runner = new SubscriptionRunner(runnerStore, [new AsyncProjection(new TallyProjection())], NullLogger<SubscriptionRunner>.Instance);
        await runner.StartAsync(default);

        var error = await TestInfrastructure.EventuallyAsync(
            async () => (await Progression.ListAsync(writer, default)).SingleOrDefault(p => p.Name == "tally")?.LastError,
            e => e is not null, what: "the error to be recorded");

        Assert.Contains("from_a_newer_release", error, StringComparison.Ordinal);
        Assert.True(runner.IsActive);
        Assert.Equal(2, await TallyAsync(writer));
        await runner.StopAsync(default);
    }

    private static async Task<int> TallyAsync(EventStore store) => (await store.LoadAsync<Tally>("total"))?.Applied ?? 0;

    /// <summary>A tally that waits at a gate inside its first batch, with the batch's transaction open.</summary>
    private sealed class GatedTallyProjection : IProjection
    {
        private readonly TallyProjection _inner = new();
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Name => _inner.Name;
        public IReadOnlyList<Type> DocumentTypes => _inner.DocumentTypes;

        public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
        {
            Entered.TrySetResult();
            await Gate.Task;
            await _inner.ApplyAsync(context, events, ct);
        }
    }

    private sealed class FailingProjection : IProjection
    {
        public string Name => "failing";
        public IReadOnlyList<Type> DocumentTypes { get; } = [];
        public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct) =>
            throw new InvalidOperationException("projection bug");
    }
}
