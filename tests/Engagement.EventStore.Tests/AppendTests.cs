namespace Engagement.EventStore.Tests;

public sealed class AppendTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task appended_events_fold_into_state_with_the_stream_version()
    {
        var store = await db.StoreAsync("append_basic");
        var id = "thing-" + Guid.NewGuid();
        var v1 = await store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1), new ThingHappened("b", 2)]);
        var v2 = await store.AppendAsync(id, "thing", ExpectedVersion.Exactly(2), [new ThingRenamed("c")]);

        var (state, version) = await store.AggregateStreamAsync<Thing>(id);

        Assert.Equal(2, v1);
        Assert.Equal(3, v2);
        Assert.Equal(3, version);
        Assert.Equal(new Thing(2, "c"), state);
        var events = await store.ReadStreamAsync(id);
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Version));
    }

    [Fact]
    public async Task a_missing_stream_aggregates_to_the_initial_state_at_version_zero()
    {
        var store = await db.StoreAsync("append_missing");
        var (state, version) = await store.AggregateStreamAsync<Thing>("nobody");
        Assert.Equal(0, version);
        Assert.Same(Thing.Initial, state);
    }

    [Fact]
    public async Task a_stale_expected_version_raises_a_concurrency_error_and_leaves_the_stream_unchanged()
    {
        var store = await db.StoreAsync("append_stale");
        var id = "thing-" + Guid.NewGuid();
        await store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1), new ThingHappened("b", 2)]);

        var error = await Assert.ThrowsAsync<ConcurrencyException>(() =>
            store.AppendAsync(id, "thing", ExpectedVersion.FromIfMatch("\"1\"")!.Value, [new ThingHappened("late", 3)]));

        Assert.Equal(1, error.Expected);
        Assert.Equal(2, error.Actual);
        Assert.Equal(VersionSource.IfMatch, error.VersionSource);
        Assert.Equal(2, (await store.ReadStreamAsync(id)).Count);
    }

    [Fact]
    public async Task appending_to_a_stream_that_does_not_exist_at_a_version_is_a_concurrency_error()
    {
        var store = await db.StoreAsync("append_absent");
        var error = await Assert.ThrowsAsync<ConcurrencyException>(() =>
            store.AppendAsync("absent", "thing", ExpectedVersion.Exactly(3), [new ThingHappened("x", 1)]));
        Assert.Null(error.Actual);
        Assert.Empty(await store.ReadStreamAsync("absent"));
    }

    [Fact]
    public async Task any_version_appends_continue_the_stream_numbering()
    {
        var store = await db.StoreAsync("append_any");
        await store.AppendAsync("s", "thing", ExpectedVersion.Any, [new ThingHappened("a", 1)]);
        await store.AppendAsync("s", "thing", ExpectedVersion.Any, [new ThingHappened("b", 2), new ThingHappened("c", 3)]);
        Assert.Equal([1L, 2L, 3L], (await store.ReadStreamAsync("s")).Select(e => e.Version));
    }

    [Fact]
    public async Task concurrent_appends_to_one_stream_have_exactly_one_winner()
    {
        var a = await db.StoreAsync("append_race", "race-writer-a");
        var b = await db.StoreAsync("append_race", "race-writer-b");
        var id = "thing-" + Guid.NewGuid();
        await a.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("first", 1)]);

        // A has updated the stream row (so holds its lock) and written its event, but has not committed.
        var held = await HeldAppend.StartAsync(a, id, ExpectedVersion.Exactly(1), new ThingHappened("from a", 2));
        var loser = b.AppendAsync(id, "thing", ExpectedVersion.Exactly(1), [new ThingHappened("from b", 2)]);
        await db.WaitUntilBlockedAsync("race-writer-b");

        await held.CommitAsync();
        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => loser);

        Assert.Equal(2, error.Actual);
        var events = await a.ReadStreamAsync(id);
        Assert.Equal(["first", "from a"], events.Select(e => ((ThingHappened)e.Data).Name));
    }

    [Fact]
    public async Task two_creators_of_one_new_stream_have_exactly_one_winner()
    {
        var a = await db.StoreAsync("append_create", "create-writer-a");
        var b = await db.StoreAsync("append_create", "create-writer-b");
        var id = "thing-" + Guid.NewGuid();

        var held = await HeldAppend.StartAsync(a, id, ExpectedVersion.NoStream, new ThingHappened("from a", 1));
        var loser = b.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("from b", 1)]);
        await db.WaitUntilBlockedAsync("create-writer-b");

        await held.CommitAsync();
        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => loser);

        Assert.Equal(1, error.Actual);
        var events = await a.ReadStreamAsync(id);
        Assert.Equal("from a", Assert.Single(events).Data is ThingHappened t ? t.Name : null);
    }

    [Fact]
    public async Task many_concurrent_writers_to_one_stream_never_lose_or_duplicate_a_version()
    {
        var store = await db.StoreAsync("append_many");
        var id = "counter";
        await store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("start", 0)]);
        var wins = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
        {
            for (var i = 0; i < 10; i++)
            {
                while (true)
                {
                    var (_, version) = await store.AggregateStreamAsync<Thing>(id);
                    try
                    {
                        await store.AppendAsync(id, "thing", ExpectedVersion.Exactly(version), [new ThingHappened($"w{w}", i)]);
                        Interlocked.Increment(ref wins);
                        break;
                    }
                    catch (ConcurrencyException)
                    {
                        // Lost the race: read again and retry, as a command handler would.
                    }
                }
            }
        }));

        var events = await store.ReadStreamAsync(id);
        Assert.Equal(80, wins);
        Assert.Equal(Enumerable.Range(1, 81).Select(v => (long)v), events.Select(e => e.Version));
    }
}
