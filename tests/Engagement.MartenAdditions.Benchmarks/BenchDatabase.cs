using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace Engagement.MartenAdditions.Benchmarks;

/// <summary>A Marten store under test: its own schema in the run's database, and the data source it runs on.</summary>
public sealed record Variant(string Key, string Label, string Schema, DocumentStore Store, NpgsqlDataSource DataSource)
{
    public string Describe()
    {
        var b = new NpgsqlConnectionStringBuilder(DataSource.ConnectionString);
        return $"{Key} (schema {Schema}): AppendMode={Store.Options.Events.AppendMode}, Max Auto Prepare={b.MaxAutoPrepare}, " +
               $"Auto Prepare Min Usages={b.AutoPrepareMinUsages}, No Reset On Close={b.NoResetOnClose}";
    }
}

/// <summary>
/// A fresh database per run. Every variant is a Marten store built as the services build it
/// (<see cref="Setup.Configure"/> on a <see cref="StoreOptions"/> over a data source), each in a schema of its own, with
/// its schema applied by <c>ApplyAllConfiguredChangesToDatabaseAsync</c>. The physical references write
/// <c>bench.ref_events</c>, a copy of <c>bench.mt_events</c> (columns, defaults and indexes) with a sequence of its own.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    public const string Schema = "bench";

    private readonly string _adminConnectionString;

    private BenchDatabase(string adminConnectionString, string name, IReadOnlyList<Variant> variants, NpgsqlDataSource reference)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        Variants = variants;
        Reference = reference;
    }

    public string Name { get; }

    /// <summary>The first is the services' store exactly (data source from <see cref="Setup.CreateDataSource"/>); the rest are what-ifs.</summary>
    public IReadOnlyList<Variant> Variants { get; }

    public Variant Services => Variants[0];

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

        var services = Setup.CreateDataSource(cs);
        var tuning = new NpgsqlConnectionStringBuilder(services.ConnectionString);
        var flippedReset = new NpgsqlConnectionStringBuilder(cs)
        {
            MaxAutoPrepare = tuning.MaxAutoPrepare,
            AutoPrepareMinUsages = tuning.AutoPrepareMinUsages,
            NoResetOnClose = !tuning.NoResetOnClose,
        }.ConnectionString;

        var variants = new List<Variant>
        {
            Build("services", "Marten as the services configure it", Schema, services,
                o => o.Projections.Add(new DeciderProjection<BookingTally>(), ProjectionLifecycle.Async)),
            Build("reset", tuning.NoResetOnClose ? "what-if: services' store with Npgsql's session reset" : "what-if: services' store with No Reset On Close",
                "bench_reset", NpgsqlDataSource.Create(flippedReset), null),
            Build("untuned", "what-if: Marten untuned (plain data source: no auto-prepare, session reset)", "bench_plain", NpgsqlDataSource.Create(cs), null),
            Build("quick", "what-if: services' store, AppendMode Quick", "bench_quick", Setup.CreateDataSource(cs), o => o.Events.AppendMode = EventAppendMode.Quick),
            Build("rich", "what-if: services' store, AppendMode Rich", "bench_rich", Setup.CreateDataSource(cs), o => o.Events.AppendMode = EventAppendMode.Rich),
        };

        foreach (var v in variants)
        {
            await v.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        }

        var reference = NpgsqlDataSource.Create(cs);
        await using (var conn = await reference.OpenConnectionAsync())
        await using (var cmd = new NpgsqlCommand(
            $"""
            create table {Schema}.ref_events (like {Schema}.mt_events including all);
            create sequence {Schema}.ref_events_seq owned by {Schema}.ref_events.seq_id;
            alter table {Schema}.ref_events alter column seq_id set default nextval('{Schema}.ref_events_seq');
            """, conn))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        return new BenchDatabase(adminConnectionString, name, variants, reference);

        static Variant Build(string key, string label, string schema, NpgsqlDataSource dataSource, Action<StoreOptions>? more)
        {
            var options = new StoreOptions();
            options.Connection(dataSource);
            Setup.Configure(options, schema, new SubjectKeyReader());
            options.Events.MapEventType<AttendeeBooked>("attendee_booked");
            more?.Invoke(options);
            return new Variant(key, label, schema, new DocumentStore(options), dataSource);
        }
    }

    /// <summary>Columns (name, type, default) and indexes of <c>mt_events</c> and the reference table, and what differs.</summary>
    public async Task<(bool Same, string Summary)> CompareShapesAsync()
    {
        await using var conn = await Reference.OpenConnectionAsync();
        async Task<List<string>> ShapeAsync(string table)
        {
            await using var cmd = new NpgsqlCommand(
                """
                select a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || coalesce(' default ' || regexp_replace(pg_get_expr(d.adbin, d.adrelid), 'ref_events_seq|mt_events_sequence', 'SEQ', 'g'), '')
                from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                where a.attrelid = @t::regclass and a.attnum > 0 and not a.attisdropped
                union all
                select 'index ' || regexp_replace(regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', ''), 'ref_events|mt_events', 'T', 'g')
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

        // Marten's append function supplies seq_id from its sequence; the reference's column defaults to its own.
        static List<string> Normalise(List<string> shape) =>
            shape.Select(x => x.Replace(" default nextval('bench.SEQ'::regclass)", "", StringComparison.Ordinal)).ToList();
        var events = Normalise(await ShapeAsync("mt_events"));
        var reference = Normalise(await ShapeAsync("ref_events"));
        var same = events.SequenceEqual(reference, StringComparer.Ordinal);
        var indexes = events.Count(x => x.StartsWith("index ", StringComparison.Ordinal));
        var diff = same ? "identical" : "DIFFERENT: " + string.Join("; ", events.Except(reference).Select(x => "-" + x).Concat(reference.Except(events).Select(x => "+" + x)));
        return (same, $"{events.Count - indexes} columns, {indexes} indexes: {diff} (seq_id: Marten's function passes nextval, the reference defaults to its own sequence; foreign keys are not copied, so the reference does not check mt_events' key to mt_streams)");
    }

    public async Task<Dictionary<string, string>> SettingsAsync()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var conn = await Reference.OpenConnectionAsync();
        foreach (var name in new[] { "server_version", "synchronous_commit", "fsync", "wal_sync_method", "full_page_writes", "commit_delay", "shared_buffers", "max_connections" })
        {
            await using var cmd = new NpgsqlCommand($"show {name}", conn);
            result[name] = (string)(await cmd.ExecuteScalarAsync())!;
        }

        return result;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = await Reference.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 600 };
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var v in Variants)
        {
            v.Store.Dispose();
            await v.DataSource.DisposeAsync();
        }

        await Reference.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_adminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {Name} with (force)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
