using Npgsql;

namespace Engagement.EventStore.Tests;

public sealed class OrderingTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    private static async Task<IReadOnlyList<StoredEvent>> ReadAllAsync(EventStore store)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync();
        var all = new List<StoredEvent>();
        var position = Position.Start;
        while (true)
        {
            var batch = await EventReader.ReadAfterAsync(store, conn, position, 100, default);
            if (batch.Count == 0)
            {
                return all;
            }

            all.AddRange(batch);
            position = batch[^1].Position;
        }
    }

    [Fact]
    public async Task reader_does_not_skip_an_append_that_takes_an_earlier_sequence_number_and_commits_late()
    {
        var early = await db.StoreAsync("order_late", "late-writer");
        var store = await db.StoreAsync("order_late");

        var held = await HeldAppend.StartAsync(early, "slow", ExpectedVersion.NoStream, new ThingHappened("slow", 1));
        await store.AppendAsync("fast", "thing", ExpectedVersion.NoStream, [new ThingHappened("fast", 2)]);

        // The fast event is committed, but an older transaction is still open: the reader must not pass it yet,
        // because the slow event's place in the order is before it.
        var whileOpen = await ReadAllAsync(store);
        Assert.DoesNotContain(whileOpen, e => e.StreamId == "fast");

        await held.CommitAsync();
        var all = await Engagement.Testing.TestInfrastructure.EventuallyAsync(() => ReadAllAsync(store), r => r.Count == 2, what: "both events to be readable");

        Assert.Equal(["slow", "fast"], all.Select(e => e.StreamId));
        // The slow append really did take the earlier sequence number and commit after the fast one.
        Assert.True(all[0].Position.Seq < all[1].Position.Seq);
    }

    [Fact]
    public async Task a_rolled_back_append_leaves_a_hole_that_readers_pass()
    {
        var doomed = await db.StoreAsync("order_hole", "doomed-writer");
        var store = await db.StoreAsync("order_hole");
        await store.AppendAsync("before", "thing", ExpectedVersion.NoStream, [new ThingHappened("before", 1)]);

        var held = await HeldAppend.StartAsync(doomed, "doomed", ExpectedVersion.NoStream, new ThingHappened("doomed", 2));
        await held.RollBackAsync();
        await store.AppendAsync("after", "thing", ExpectedVersion.NoStream, [new ThingHappened("after", 3)]);

        var all = await Engagement.Testing.TestInfrastructure.EventuallyAsync(() => ReadAllAsync(store), r => r.Count == 2, what: "the reader to pass the hole");

        Assert.Equal(["before", "after"], all.Select(e => e.StreamId));
        Assert.True(all[1].Position.Seq - all[0].Position.Seq >= 2, "the rolled-back append should have used a sequence number");
    }

    [Fact]
    public async Task transaction_ids_are_ordered_as_numbers_not_as_text()
    {
        var store = await db.StoreAsync("order_numeric");
        await store.AppendAsync("s", "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1), new ThingHappened("b", 2)]);
        // Give the two events transaction ids that sort differently as text ("100" < "99") than as numbers.
        await db.ScalarAsync<int>("update order_numeric.events set tx_id = (case version when 1 then '99' else '100' end)::xid8 returning 1");

        await using var conn = await store.DataSource.OpenConnectionAsync();
        var first = await EventReader.ReadAfterAsync(store, conn, Position.Start, 1, default);
        var second = await EventReader.ReadAfterAsync(store, conn, first[0].Position, 1, default);
        var third = await EventReader.ReadAfterAsync(store, conn, second[0].Position, 1, default);

        Assert.Equal(99UL, first[0].Position.TxId);
        Assert.Equal(100UL, second[0].Position.TxId);
        Assert.Empty(third);
        Assert.Equal(100UL, (await store.HeadAsync()).TxId);
    }

    [Fact]
    public async Task an_unknown_alias_gives_a_clear_error()
    {
        var writer = await db.StoreAsync("order_alias");
        await writer.AppendAsync("s", "thing", ExpectedVersion.NoStream, [new ThingHappened("x", 1)]);
        var reader = await db.StoreAsync("order_alias", configure: o => o.Types.Register<ThingRenamed>("only_this"));
        await using (var conn = new NpgsqlConnection(writer.Options.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("update order_alias.events set type = 'thing_that_was_deleted'", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<UnknownEventTypeException>(() => reader.ReadStreamAsync("s"));

        Assert.Equal("thing_that_was_deleted", error.Alias);
        Assert.Contains("thing_that_was_deleted", error.Message, StringComparison.Ordinal);
        Assert.Contains("Register", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void assembly_qualified_or_camel_case_aliases_are_refused()
    {
        var types = new EventTypes();
        Assert.Throws<ArgumentException>(() => types.Register<ThingHappened>(typeof(ThingHappened).AssemblyQualifiedName!));
        Assert.Throws<ArgumentException>(() => types.Register<ThingHappened>("ThingHappened"));
        Assert.Throws<InvalidOperationException>(() => types.AliasFor(typeof(Seen)));
    }

    [Fact]
    public async Task an_upcaster_reads_an_old_shape_as_the_current_event()
    {
        var writer = await db.StoreAsync("order_upcast");
        await writer.AppendAsync("s", "thing", ExpectedVersion.NoStream, [new ThingRenamed("old")]);
        await using (var conn = new NpgsqlConnection(writer.Options.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""update order_upcast.events set type = 'thing_renamed_v1', data = '{"title": "old"}'""", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        var reader = await db.StoreAsync("order_upcast", configure: o => o.Types.Upcast("thing_renamed_v1", old =>
            ("thing_renamed", new System.Text.Json.Nodes.JsonObject { ["name"] = old["title"]!.GetValue<string>() + " (upcast)" })));

        var e = Assert.Single(await reader.ReadStreamAsync("s"));
        Assert.Equal(new ThingRenamed("old (upcast)"), e.Data);
    }

    [Theory]
    [InlineData("\"7\"", 7L)]
    [InlineData("W/\"12\"", 12L)]
    [InlineData("3", 3L)]
    [InlineData("\"0\"", null)]
    [InlineData("\"x\"", null)]
    [InlineData("", null)]
    public void if_match_values_parse_to_expected_versions(string header, long? expected)
    {
        var parsed = ExpectedVersion.FromIfMatch(header);
        Assert.Equal(expected, parsed?.Value);
        if (parsed is not null)
        {
            Assert.Equal(VersionSource.IfMatch, parsed.Value.Source);
        }
    }
}
