using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JasperFx.Events;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.MartenAdditions.Benchmarks;

public sealed record BenchSettings(int SingleAppends, int Warmup, int Rounds, int Batches, int BatchSize, int PreloadSessions, int ReadBatch, int ProbeCount)
{
    public static BenchSettings Full { get; } = new(3_200, 200, 8, 40, 1_000, 100, 1_000, 300);
    public static BenchSettings Quick { get; } = new(160, 40, 2, 4, 1_000, 10, 1_000, 50);

    /// <summary>Each preload session appends 10 events to each of 100 new streams, in one commit.</summary>
    public int PreloadEvents => PreloadSessions * 1_000;
}

/// <summary>
/// The scenarios. Every side is timed in alternating rounds (A B C, C B A, ...) in the same database, so drift in the
/// machine's load hits all sides alike; the same-run ratio is the robust number.
/// </summary>
public sealed class Scenarios(BenchDatabase db, BenchSettings s, int run, RunResult result)
{
    private const string Alias = "attendee_booked";
    private static readonly string DotnetType = $"{typeof(AttendeeBooked).FullName}, {typeof(AttendeeBooked).Assembly.GetName().Name}";

    // Marten's own JSON for the event, so the references write the same bytes.
    private string Json(AttendeeBooked e) => db.Services.Store.Options.Serializer().ToJson(e);

    private void Note(string text) => result.Notes.Add(text);

    // ---------------------------------------------------------------- 1. single-event appends

    private sealed class Writer(string prefix, int streams)
    {
        public string[] Streams { get; } = Enumerable.Range(0, streams).Select(i => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i:D2}")).ToArray();
        public long[] Versions { get; } = new long[streams];
        public int Next { get; set; }
        public NpgsqlConnection? Connection { get; set; }
        public NpgsqlCommand? Insert { get; set; }
    }

    /// <summary>One session and one SaveChanges per event: StartStream for a new stream, else Append with the expected version.</summary>
    private static async Task MartenAppendAsync(IDocumentStore store, Writer wr, int i)
    {
        var k = wr.Next++ % wr.Streams.Length;
        await using var session = store.LightweightSession();
        if (wr.Versions[k] == 0)
        {
            session.Events.StartStream(wr.Streams[k], Workload.Event(i));
        }
        else
        {
            session.Events.Append(wr.Streams[k], wr.Versions[k] + 1, Workload.Event(i));
        }

        await session.SaveChangesAsync();
        wr.Versions[k]++;
    }

    public async Task SingleAppendsAsync(int writers)
    {
        const int streamsPerWriter = 16;
        var variants = db.Variants;
        var marten = variants.Select(v => Enumerable.Range(0, writers).Select(w => new Writer($"{v.Key}{run}-{writers}w-{w}", streamsPerWriter)).ToArray()).ToArray();
        var refs = Enumerable.Range(0, writers).Select(w => new Writer($"r{run}-{writers}w-{w}", streamsPerWriter)).ToArray();
        var prepRefs = Enumerable.Range(0, writers).Select(w => new Writer($"q{run}-{writers}w-{w}", streamsPerWriter)).ToArray();

        // The reference holds one connection per writer and reuses one command: the physical floor of an autocommit
        // single-row insert. The target is judged against it unprepared (as for the old store); the explicitly prepared
        // variant is the stricter floor, reported as context.
        async Task OpenReferenceAsync(Writer r, bool prepare)
        {
            r.Connection = await db.Reference.OpenConnectionAsync();
            r.Insert = new NpgsqlCommand(
                $"insert into {BenchDatabase.Schema}.ref_events (id, stream_id, version, data, type, mt_dotnet_type, headers) " +
                "values (@id, @stream, @version, @data, @type, @dotnet, @headers)",
                r.Connection)
            {
                Parameters =
                {
                    new("id", NpgsqlDbType.Uuid), new("stream", NpgsqlDbType.Varchar), new("version", NpgsqlDbType.Bigint),
                    new("data", NpgsqlDbType.Jsonb), new("type", NpgsqlDbType.Varchar), new("dotnet", NpgsqlDbType.Varchar),
                    new("headers", NpgsqlDbType.Jsonb),
                },
            };
            if (prepare)
            {
                await r.Insert.PrepareAsync();
            }
        }

        foreach (var r in refs)
        {
            await OpenReferenceAsync(r, prepare: false);
        }

        foreach (var r in prepRefs)
        {
            await OpenReferenceAsync(r, prepare: true);
        }

        async Task InsertAsync(Writer wr, int i)
        {
            var k = wr.Next++ % wr.Streams.Length;
            var p = wr.Insert!.Parameters;
            p[0].Value = Guid.CreateVersion7();
            p[1].Value = wr.Streams[k];
            p[2].Value = ++wr.Versions[k];
            p[3].Value = Json(Workload.Event(i));
            p[4].Value = Alias;
            p[5].Value = DotnetType;
            p[6].Value = "{}";
            await wr.Insert.ExecuteNonQueryAsync();
        }

        var sides = variants.Select((v, x) => (Func<int, int, Task>)((w, i) => MartenAppendAsync(v.Store, marten[x][w], i)))
            .Append((w, i) => InsertAsync(refs[w], i))
            .Append((w, i) => InsertAsync(prepRefs[w], i))
            .ToArray();
        try
        {
            // Warm-up: every stream is created, every pooled connection opened and, with auto-prepare, Marten's
            // statements prepared on it before timing.
            var warm = Math.Max(streamsPerWriter * 2, s.Warmup / writers);
            foreach (var side in sides)
            {
                await PhaseAsync(writers, warm, side);
            }

            var perRound = s.SingleAppends / s.Rounds / writers;
            var measured = await AlternateAsync(sides.Select(side => (Func<Task<Measured>>)(() => PhaseAsync(writers, perRound, side))).ToArray());
            var (raw, prepared) = (measured[^2], measured[^1]);
            var label = writers == 1 ? "Single-event appends, 1 writer" : $"Single-event appends, {writers} writers";
            var key = $"append1.w{writers}";
            for (var x = 0; x < variants.Count; x++)
            {
                var v = variants[x];
                var m = measured[x];
                var rowKey = x == 0 ? key : $"{key}.{v.Key}";
                result.Rows.Add(new Row(rowKey, x == 0 ? label : $"  {v.Label}", "appends/s", m.Rate, raw.Rate, x == 0 ? 0.50 : null));
                if (x == 0)
                {
                    result.Rows.Add(new Row($"{key}.vsprep", "  context: the services' store against a prepared raw INSERT", "appends/s", m.Rate, prepared.Rate, null));
                }

                Context($"{key}.{v.Key}", m);
                Note($"{label}, {v.Key}: {m.Describe()}");
            }

            Context($"{key}.raw", raw);
            Context($"{key}.prepared", prepared);
            Note($"{label}, raw INSERT {raw.Describe()}; prepared raw INSERT {prepared.Describe()}");
        }
        finally
        {
            foreach (var r in refs.Concat(prepRefs))
            {
                if (r.Insert is not null)
                {
                    await r.Insert.DisposeAsync();
                }

                if (r.Connection is not null)
                {
                    await r.Connection.DisposeAsync();
                }
            }
        }
    }

    private void Context(string key, Measured m)
    {
        result.Context[$"{key}.p50"] = m.P(50);
        result.Context[$"{key}.p99"] = m.P(99);
        result.Context[$"{key}.cpu"] = m.Cpu.Machine;
        result.Context[$"{key}.client"] = m.Cpu.Client;
        result.Context[$"{key}.server"] = m.Cpu.Server;
        result.Context[$"{key}.server_us"] = m.ServerMicrosPerOp;
        result.Context[$"{key}.client_us"] = m.ClientMicrosPerOp;
    }

    // ---------------------------------------------------------------- 2. 1,000-event batches

    public async Task BatchAppendsAsync()
    {
        var events = Workload.Events(s.BatchSize);
        var sides = new List<Func<Task<Measured>>>();
        var batch = 0;
        foreach (var v in db.Variants)
        {
            sides.Add(() => PhaseAsync(1, Math.Max(1, s.Batches / s.Rounds), async (_, _) =>
            {
                await using var session = v.Store.LightweightSession();
                session.Events.StartStream(string.Create(CultureInfo.InvariantCulture, $"b{run}-{batch++:D5}"), events);
                await session.SaveChangesAsync();
            }));
        }

        // The same 1,000 events started by an append to a stream that does not exist yet, with and without the expected
        // version (the count), on the services' store.
        var extra = new[] { ("append-new", (long?)null), ("append-new-versioned", (long?)s.BatchSize) };
        foreach (var (key, version) in extra)
        {
            sides.Add(() => PhaseAsync(1, Math.Max(1, s.Batches / s.Rounds), async (_, _) =>
            {
                await using var session = db.Services.Store.LightweightSession();
                var id = string.Create(CultureInfo.InvariantCulture, $"{key}{run}-{batch++:D5}");
                if (version is { } expected)
                {
                    session.Events.Append(id, expected, events);
                }
                else
                {
                    session.Events.Append(id, events);
                }

                await session.SaveChangesAsync();
            }));
        }

        await using var conn = await db.Reference.OpenConnectionAsync();
        var json = events.Select(Json).ToArray();
        sides.Add(() => PhaseAsync(1, Math.Max(1, s.Batches / s.Rounds), async (_, _) =>
        {
            var stream = string.Create(CultureInfo.InvariantCulture, $"rb{run}-{batch++:D5}");
            await using var copy = await conn.BeginBinaryImportAsync(
                $"copy {BenchDatabase.Schema}.ref_events (id, stream_id, version, data, type, mt_dotnet_type, headers) from stdin (format binary)");
            for (var e = 0; e < json.Length; e++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(stream, NpgsqlDbType.Varchar);
                await copy.WriteAsync((long)e + 1, NpgsqlDbType.Bigint);
                await copy.WriteAsync(json[e], NpgsqlDbType.Jsonb);
                await copy.WriteAsync(Alias, NpgsqlDbType.Varchar);
                await copy.WriteAsync(DotnetType, NpgsqlDbType.Varchar);
                await copy.WriteAsync("{}", NpgsqlDbType.Jsonb);
            }

            await copy.CompleteAsync();
        }));

        // Warm-up: one batch each.
        foreach (var side in sides)
        {
            await side();
        }

        var measured = (await AlternateAsync(sides.ToArray())).Select(m => m with { Ops = m.Ops * s.BatchSize }).ToArray();
        var copyRef = measured[^1];
        for (var x = 0; x < db.Variants.Count; x++)
        {
            var v = db.Variants[x];
            result.Rows.Add(new Row(x == 0 ? "batch1000" : $"batch1000.{v.Key}", x == 0 ? $"{s.BatchSize:N0}-event batch appends, 1 writer" : $"  {v.Label}",
                "events/s", measured[x].Rate, copyRef.Rate, x == 0 ? 0.50 : null));
            Context($"batch1000.{v.Key}", measured[x]);
            Note($"Batches of {s.BatchSize:N0}, {v.Key}: {measured[x].Describe("events/s")}");
        }

        for (var x = 0; x < extra.Length; x++)
        {
            var m = measured[db.Variants.Count + x];
            result.Rows.Add(new Row($"batch1000.{extra[x].Item1}", $"  what-if: services' store, {extra[x].Item1}", "events/s", m.Rate, copyRef.Rate, null));
            Note($"Batches of {s.BatchSize:N0}, {extra[x].Item1}: {m.Describe("events/s")}");
        }

        Context("batch1000.copy", copyRef);
        Note($"Batches of {s.BatchSize:N0}, binary COPY: {copyRef.Describe("events/s")}");
    }

    // ---------------------------------------------------------------- 3. reader and async projection catch-up

    /// <summary>Preloads through the services' store: sessions that each append 10 events to 100 new streams.</summary>
    public async Task PreloadAsync()
    {
        var group = 0;
        var m = await PhaseAsync(2, s.PreloadSessions / 2, async (_, _) =>
        {
            var g = Interlocked.Increment(ref group);
            await using var session = db.Services.Store.LightweightSession();
            for (var i = 0; i < 100; i++)
            {
                session.Events.StartStream(Workload.PreloadStream(run, g, i), Workload.Events(10));
            }

            await session.SaveChangesAsync();
        });
        m = m with { Ops = m.Ops * 1_000 };
        result.Rows.Add(new Row("preload", "Preload: 100 streams x 10 events per session, 2 writers (context)", "events/s", m.Rate, null, null));
        Note($"Preload: {m.Describe("events/s")}");
    }

    /// <summary>
    /// Marten's reader (<c>QueryAllRawEvents</c> keyset-paged by sequence, deserialising each event) against a prepared
    /// keyset scan of the same rows that reads every column and deserialises nothing.
    /// </summary>
    public async Task ReadAsync()
    {
        var store = db.Services.Store;
        var total = await db.ScalarAsync<long>($"select count(*) from {BenchDatabase.Schema}.mt_events");
        async Task<Measured> MartenAsync()
        {
            await using var session = store.QuerySession();
            return await PhaseAsync(1, 1, async (_, _) =>
            {
                long last = 0, n = 0;
                while (true)
                {
                    var page = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > last).OrderBy(e => e.Sequence).Take(s.ReadBatch).ToListAsync();
                    if (page.Count == 0)
                    {
                        break;
                    }

                    if (page[0].Data is not AttendeeBooked)
                    {
                        throw new InvalidOperationException("Marten's reader returned an event it did not deserialise.");
                    }

                    n += page.Count;
                    last = page[^1].Sequence;
                }

                if (n != total)
                {
                    throw new InvalidOperationException($"Marten's reader returned {n} events, expected {total}.");
                }
            }) with { Ops = total };
        }

        async Task<Measured> RawAsync()
        {
            await using var conn = await db.Reference.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand(
                $"select seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers from {BenchDatabase.Schema}.mt_events " +
                "where seq_id > $1 order by seq_id limit $2", conn)
            {
                Parameters = { new() { NpgsqlDbType = NpgsqlDbType.Bigint }, new() { NpgsqlDbType = NpgsqlDbType.Integer } },
            };
            await cmd.PrepareAsync();
            return await PhaseAsync(1, 1, async (_, _) =>
            {
                long last = 0, n = 0, sink = 0;
                while (true)
                {
                    cmd.Parameters[0].Value = last;
                    cmd.Parameters[1].Value = s.ReadBatch;
                    var count = 0;
                    await using (var r = await cmd.ExecuteReaderAsync())
                    {
                        while (await r.ReadAsync())
                        {
                            count++;
                            last = r.GetInt64(0);
                            sink += r.GetGuid(1).GetHashCode() + r.GetString(2).Length + r.GetInt64(3) + r.GetString(4).Length + r.GetString(5).Length
                                    + r.GetDateTime(6).Ticks + r.GetString(7).Length + r.GetString(8).Length + (r.IsDBNull(9) ? 0 : r.GetString(9).Length);
                        }
                    }

                    if (count == 0)
                    {
                        break;
                    }

                    n += count;
                }

                GC.KeepAlive(sink);
                if (n != total)
                {
                    throw new InvalidOperationException($"The raw scan returned {n} rows, expected {total}.");
                }
            }) with { Ops = total };
        }

        await MartenAsync();
        await RawAsync();
        var measured = await AlternateAsync(2, MartenAsync, RawAsync);
        var (ours, raw) = (measured[0], measured[1]);
        result.Rows.Add(new Row("read", "Reader only: QueryAllRawEvents, pages of 1,000 by sequence", "events/s", ours.Rate, raw.Rate, null));
        Context("read.marten", ours);
        Context("read.raw", raw);
        result.Context["read.events"] = total;
        Note($"Reader over {total:N0} events: Marten {ours.Describe("events/s")}; raw rows {raw.Describe("events/s")}");
    }

    /// <summary>
    /// The async daemon catching up from nothing: an async <see cref="DeciderProjection{T}"/> over every event in the
    /// services' store, from the daemon's start until it reports non-stale data; the documents are then checked.
    /// </summary>
    public async Task CatchUpAsync()
    {
        var store = db.Services.Store;
        var total = await db.ScalarAsync<long>($"select count(*) from {BenchDatabase.Schema}.mt_events");
        var streams = await db.ScalarAsync<long>($"select count(*) from {BenchDatabase.Schema}.mt_streams");
        var cpu = CpuSnapshot.Take();
        var started = Stopwatch.GetTimestamp();
        using (var daemon = await store.BuildProjectionDaemonAsync())
        {
            await daemon.StartAllAsync();
            await daemon.WaitForNonStaleData(TimeSpan.FromMinutes(10));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var m = new Measured(total, seconds, CpuSnapshot.Take(end: true) - cpu, []);
            await daemon.StopAllAsync();
            var (docs, counted) = (await db.ScalarAsync<long>($"select count(*) from {BenchDatabase.Schema}.mt_doc_bookingtally"),
                await db.ScalarAsync<long>($"select coalesce(sum((data->>'count')::bigint), 0) from {BenchDatabase.Schema}.mt_doc_bookingtally"));
            if (docs != streams || counted != total)
            {
                throw new InvalidOperationException($"The projection wrote {docs} documents counting {counted} events; expected {streams} and {total}.");
            }

            result.Rows.Add(new Row("catchup", $"Async DeciderProjection catch-up from 0 ({total:N0} events, {streams:N0} streams)", "events/s", m.Rate, null, null));
            Context("catchup", m);
            Note($"Daemon catch-up: {m.Describe("events/s")}; verified {docs:N0} documents counting {counted:N0} events");
        }
    }

    // ---------------------------------------------------------------- probes of what bounds the numbers

    public async Task CommitCostAsync()
    {
        var (select1, insert, insertAsync) = await Probes.CommitCostAsync(db.Reference, s.ProbeCount);
        result.Context["rtt.select1.us"] = select1;
        result.Context["rtt.insert.us"] = insert;
        result.Context["rtt.insert_async.us"] = insertAsync;
        Note($"Round trip 'select 1' {select1:N0} µs; autocommit insert {insert:N0} µs; same with synchronous_commit=off {insertAsync:N0} µs " +
             $"=> commit flush ≈ {insert - insertAsync:N0} µs; one-connection ceiling ≈ {1e6 / insert:N0} commits/s");
    }

    public async Task RoundTripsAsync()
    {
        const int n = 20;
        foreach (var v in db.Variants)
        {
            var wr = new Writer($"rt{run}{v.Key}", 1);
            await MartenAppendAsync(v.Store, wr, 0);
            Report($"single append, {v.Key}", n, await Probes.CountRoundTripsAsync(async () =>
            {
                for (var i = 0; i < n; i++)
                {
                    await MartenAppendAsync(v.Store, wr, i);
                }
            }));
        }

        var events = Workload.Events(s.BatchSize);
        Report($"{s.BatchSize:N0}-event append, services", 1, await Probes.CountRoundTripsAsync(async () =>
        {
            await using var session = db.Services.Store.LightweightSession();
            session.Events.StartStream($"rtb{run}", events);
            await session.SaveChangesAsync();
        }));

        void Report(string what, int ops, IReadOnlyDictionary<string, int> counts)
        {
            var total = counts.Values.Sum();
            result.Context[$"rt.{what}"] = (double)total / ops;
            Note($"Round trips per {what}: {(double)total / ops:0.##}  [{string.Join("; ", counts.OrderByDescending(x => x.Value).Select(x => $"{(double)x.Value / ops:0.##} × {x.Key}"))}]");
        }
    }

    // ---------------------------------------------------------------- timing helpers

    /// <summary>Ops completed, wall seconds, CPU and per-op latencies (µs) of one or more phases.</summary>
    public sealed record Measured(long Ops, double Seconds, CpuUse Cpu, List<double> LatencyUs)
    {
        public double Rate => Ops / Seconds;

        /// <summary>PostgreSQL CPU per op in µs (long-lived server processes only; see <see cref="CpuUse"/>).</summary>
        public double ServerMicrosPerOp => Cpu.Server / 100 * Cpu.Seconds / Ops * 1e6;

        public double ClientMicrosPerOp => Cpu.Client / 100 * Cpu.Seconds / Ops * 1e6;

        public double P(double p) => Stats.Percentile(LatencyUs.OrderBy(x => x).ToList(), p);

        public static Measured Sum(IEnumerable<Measured> parts)
        {
            var list = parts.ToList();
            return new Measured(list.Sum(x => x.Ops), list.Sum(x => x.Seconds), CpuUse.Combine(list.Select(x => x.Cpu)), list.SelectMany(x => x.LatencyUs).ToList());
        }

        public string Describe(string unit = "appends/s")
        {
            var lat = LatencyUs.Count > 1 ? $", p50 {P(50) / 1000:0.00} ms, p99 {P(99) / 1000:0.00} ms" : "";
            return $"{Rate:N0} {unit} ({Ops:N0} in {Seconds:0.00} s{lat}; {Cpu})";
        }
    }

    /// <summary>Runs <paramref name="writers"/> concurrent loops of <paramref name="opsPerWriter"/> ops, released together.</summary>
    private static async Task<Measured> PhaseAsync(int writers, int opsPerWriter, Func<int, int, Task> op)
    {
        var latencies = new List<double>[writers];
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var lat = new List<double>(opsPerWriter);
            await gate.Task;
            for (var i = 0; i < opsPerWriter; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await op(w, i);
                lat.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
            }

            latencies[w] = lat;
        })).ToArray();

        var cpu = CpuSnapshot.Take();
        var start = Stopwatch.GetTimestamp();
        gate.SetResult();
        await Task.WhenAll(tasks);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new Measured((long)writers * opsPerWriter, seconds, CpuSnapshot.Take(end: true) - cpu, latencies.SelectMany(x => x).ToList());
    }

    private Task<Measured[]> AlternateAsync(params Func<Task<Measured>>[] sides) => AlternateAsync(s.Rounds, sides);

    /// <summary>Runs the sides in rounds A B C, C B A, A B C, ... and sums each side's rounds.</summary>
    private static async Task<Measured[]> AlternateAsync(int rounds, params Func<Task<Measured>>[] sides)
    {
        var parts = sides.Select(_ => new List<Measured>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            var order = Enumerable.Range(0, sides.Length);
            foreach (var i in round % 2 == 0 ? order : order.Reverse())
            {
                parts[i].Add(await sides[i]());
            }
        }

        return parts.Select(Measured.Sum).ToArray();
    }
}
