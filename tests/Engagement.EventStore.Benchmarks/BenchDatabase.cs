using Npgsql;

namespace Engagement.EventStore.Benchmarks;

/// <summary>
/// A fresh database per run: the store migrated into schema <c>bench</c>, and <c>bench.ref_events</c>, a copy of
/// <c>bench.events</c> (same columns, defaults, constraints and indexes, own sequence) that the physical references write.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    public const string Schema = "bench";

    private readonly string _adminConnectionString;

    private BenchDatabase(string adminConnectionString, string name, EventStore store, EventStore noReset, NpgsqlDataSource reference)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        Store = store;
        NoReset = noReset;
        Reference = reference;
    }

    public string Name { get; }

    /// <summary>The store as services build it (its constructor turns on Npgsql auto-prepare).</summary>
    public EventStore Store { get; }

    /// <summary>
    /// What-if: the same store plus <c>No Reset On Close</c>, which skips the session reset Npgsql pipelines in front of
    /// the first command after a pooled open. Not safe as a store default as it stands: the subscription runner relies
    /// on that reset to drop its session advisory lock when its connection goes back to the pool.
    /// </summary>
    public EventStore NoReset { get; }

    /// <summary>Plain data source on the same database for the references and probes.</summary>
    public NpgsqlDataSource Reference { get; }

    public static string AdminConnectionString() =>
        Environment.GetEnvironmentVariable("ENGAGE_BENCH_PG") ?? new NpgsqlConnectionStringBuilder
        {
            Host = Environment.GetEnvironmentVariable("ENGAGE_TEST_PG_HOST") ?? "127.0.0.1",
            Port = int.Parse(Environment.GetEnvironmentVariable("ENGAGE_TEST_PG_PORT") ?? "5432", System.Globalization.CultureInfo.InvariantCulture),
            Database = "postgres",
            Username = "engage",
            Password = "engage",
        }.ConnectionString;

    public static async Task<BenchDatabase> CreateAsync(string adminConnectionString)
    {
        var name = $"bench_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var cs = new NpgsqlConnectionStringBuilder(adminConnectionString)
        {
            Database = name,
            ApplicationName = "engage-bench",
            MaxPoolSize = 50,
        }.ConnectionString;

        var store = Register(new EventStore(new EventStoreOptions { ConnectionString = cs, Schema = Schema }));
        await store.MigrateAsync();
        var noReset = Register(new EventStore(new EventStoreOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(cs) { NoResetOnClose = true }.ConnectionString,
            Schema = Schema,
        }));

        var reference = NpgsqlDataSource.Create(cs);
        await using (var conn = await reference.OpenConnectionAsync())
        await using (var cmd = new NpgsqlCommand(
            $"""
            create table {Schema}.ref_events (like {Schema}.events including all);
            create sequence {Schema}.ref_events_seq_seq owned by {Schema}.ref_events.seq;
            alter table {Schema}.ref_events alter column seq set default nextval('{Schema}.ref_events_seq_seq');
            """, conn))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        return new BenchDatabase(adminConnectionString, name, store, noReset, reference);

        static EventStore Register(EventStore s)
        {
            s.Types.Register<AttendeeBooked>("attendee_booked");
            s.Types.Register<ResidentRegistered>("resident_registered");
            return s;
        }
    }

    /// <summary>Columns (name, type, default) and index definitions of both tables, to show that they match.</summary>
    public async Task<(bool Same, string Summary)> CompareShapesAsync()
    {
        await using var conn = await Reference.OpenConnectionAsync();
        async Task<List<string>> ShapeAsync(string table)
        {
            await using var cmd = new NpgsqlCommand(
                """
                select a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || coalesce(' default ' || regexp_replace(pg_get_expr(d.adbin, d.adrelid), '_?ref_events|events', 'T', 'g'), '')
                from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                where a.attrelid = @t::regclass and a.attnum > 0 and not a.attisdropped
                union all
                select 'index ' || regexp_replace(regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', ''), '_?ref_events|events', 'T', 'g')
                from pg_index i where i.indrelid = @t::regclass
                order by 1
                """, conn);
            cmd.Parameters.AddWithValue("t", $"{Schema}.{table}");
            var rows = new List<string>();
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                rows.Add(r.GetString(0));
            }

            return rows;
        }

        var events = await ShapeAsync("events");
        var reference = await ShapeAsync("ref_events");
        var same = events.SequenceEqual(reference, StringComparer.Ordinal);
        var indexes = events.Count(x => x.StartsWith("index ", StringComparison.Ordinal));
        return (same, $"{events.Count - indexes} columns, {indexes} indexes, defaults incl. tx_id = pg_current_xact_id(): {(same ? "identical" : "DIFFERENT")}");
    }

    public async Task<Dictionary<string, string>> SettingsAsync()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var conn = await Reference.OpenConnectionAsync();
        foreach (var name in new[] { "server_version", "synchronous_commit", "fsync", "wal_sync_method", "full_page_writes", "commit_delay", "shared_buffers", "max_connections", "wal_level" })
        {
            await using var cmd = new NpgsqlCommand($"show {name}", conn);
            result[name] = (string)(await cmd.ExecuteScalarAsync())!;
        }

        return result;
    }

    /// <summary>The Npgsql settings the store's data source ended up with, as the benchmark measured it.</summary>
    public string StoreSettings()
    {
        var b = new NpgsqlConnectionStringBuilder(Store.DataSource.ConnectionString);
        return $"Max Auto Prepare={b.MaxAutoPrepare}, Auto Prepare Min Usages={b.AutoPrepareMinUsages}, No Reset On Close={b.NoResetOnClose}, Max Pool Size={b.MaxPoolSize}";
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var conn = await Reference.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 600 };
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await NoReset.DisposeAsync();
        await Reference.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_adminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {Name} with (force)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
