using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.EventStore.Benchmarks;

public sealed record BenchSettings(
    int SingleAppends, int Warmup, int Rounds, int Batches, int BatchSize,
    int PreloadSessions, int StreamsPerSession, int EventsPerStream, int ReadBatch, int ReadPasses, int ProbeCount)
{
    public static BenchSettings Full { get; } = new(4_000, 200, 8, 50, 1_000, 200, 100, 10, 1_000, 2, 300);
    public static BenchSettings Quick { get; } = new(200, 40, 2, 6, 1_000, 20, 100, 10, 1_000, 1, 50);

    public int PreloadEvents => PreloadSessions * StreamsPerSession * EventsPerStream;
}

/// <summary>
/// The three scenarios. Ours and the reference are timed in alternating rounds (A B B A ...) in the same database, so
/// drift in the machine's load hits both alike; the same-run ratio is the robust number.
/// </summary>
public sealed class Scenarios(BenchDatabase db, BenchSettings s, int run, RunResult result)
{
    private const string StreamType = "booking";
    private readonly EventStore _store = db.Store;
    private Position _beforePreload = Position.Start;

    // What the store writes into metadata for an event without personal data and without an ambient trace.
    private readonly string _metadataJson = JsonSerializer.Serialize(
        new { CorrelationId = (string?)null, CausationId = (string?)null, UserId = (string?)null, TraceParent = (string?)null, Subject = (string?)null },
        db.Store.Serializer.Options);

    private string Alias => _store.Types.AliasFor(typeof(AttendeeBooked));

    private string Serialize(object e) => JsonSerializer.Serialize(e, e.GetType(), _store.Serializer.Options);

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

    public async Task SingleAppendsAsync(int writers)
    {
        const int streamsPerWriter = 16;
        var ours = Enumerable.Range(0, writers).Select(w => new Writer($"s{run}-{writers}w-{w}", streamsPerWriter)).ToArray();
        var noReset = Enumerable.Range(0, writers).Select(w => new Writer($"n{run}-{writers}w-{w}", streamsPerWriter)).ToArray();
        var refs = Enumerable.Range(0, writers).Select(w => new Writer($"r{run}-{writers}w-{w}", streamsPerWriter)).ToArray();
        var prepRefs = Enumerable.Range(0, writers).Select(w => new Writer($"q{run}-{writers}w-{w}", streamsPerWriter)).ToArray();

        // The reference holds one connection per writer and reuses one command: the physical floor of an autocommit
        // insert. The target is judged against it unprepared (as in the first measurement); the explicitly prepared
        // variant is the stricter floor, reported as context.
        async Task OpenReferenceAsync(Writer r, bool prepare)
        {
            r.Connection = await db.Reference.OpenConnectionAsync();
            r.Insert = new NpgsqlCommand(
                $"insert into {BenchDatabase.Schema}.ref_events (id, stream_id, version, type, data, metadata) values (@id, @stream, @version, @type, @data, @meta)",
                r.Connection)
            {
                Parameters =
                {
                    new("id", NpgsqlDbType.Uuid), new("stream", NpgsqlDbType.Text), new("version", NpgsqlDbType.Bigint),
                    new("type", NpgsqlDbType.Text), new("data", NpgsqlDbType.Jsonb), new("meta", NpgsqlDbType.Jsonb),
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

        static async Task AppendAsync(EventStore store, Writer wr, int i)
        {
            var k = wr.Next++ % wr.Streams.Length;
            var expected = wr.Versions[k] == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(wr.Versions[k]);
            wr.Versions[k] = await store.AppendAsync(wr.Streams[k], StreamType, expected, [Workload.Event(i)]);
        }

        Task OursAsync(int w, int i) => AppendAsync(_store, ours[w], i);
        Task NoResetAsync(int w, int i) => AppendAsync(db.NoReset, noReset[w], i);

        async Task InsertAsync(Writer wr, int i)
        {
            var k = wr.Next++ % wr.Streams.Length;
            var p = wr.Insert!.Parameters;
            p[0].Value = Guid.CreateVersion7();
            p[1].Value = wr.Streams[k];
            p[2].Value = ++wr.Versions[k];
            p[3].Value = Alias;
            p[4].Value = Serialize(Workload.Event(i));
            p[5].Value = _metadataJson;
            await wr.Insert.ExecuteNonQueryAsync();
        }

        Task RefAsync(int w, int i) => InsertAsync(refs[w], i);
        Task PrepRefAsync(int w, int i) => InsertAsync(prepRefs[w], i);

        try
        {
            // Warm-up: every stream is created (NoStream), every pooled connection opened and, with auto-prepare, the
            // append statement prepared on it before timing.
            var warm = Math.Max(streamsPerWriter, s.Warmup / writers);
            await PhaseAsync(writers, warm, OursAsync);
            await PhaseAsync(writers, warm, RefAsync);
            await PhaseAsync(writers, warm, PrepRefAsync);
            await PhaseAsync(writers, warm, NoResetAsync);

            var perRound = s.SingleAppends / s.Rounds / writers;
            var sides = await AlternateAsync(
                () => PhaseAsync(writers, perRound, OursAsync),
                () => PhaseAsync(writers, perRound, RefAsync),
                () => PhaseAsync(writers, perRound, PrepRefAsync),
                () => PhaseAsync(writers, perRound, NoResetAsync));
            var (oursTotal, refTotal, prepRefTotal, noResetTotal) = (sides[0], sides[1], sides[2], sides[3]);

            var label = writers == 1 ? "Single-event appends, 1 writer" : $"Single-event appends, {writers} writers";
            result.Rows.Add(new Row($"append1.w{writers}", label, "appends/s", oursTotal.Rate, refTotal.Rate, 0.80, null));
            result.Rows.Add(new Row($"append1.w{writers}.vsprep", "  context: same, against a prepared raw INSERT", "appends/s", oursTotal.Rate, prepRefTotal.Rate, null, null));
            result.Rows.Add(new Row($"append1.w{writers}.noreset", "  what-if: No Reset On Close set explicitly (the store's default since 2026-11-21)", "appends/s", noResetTotal.Rate, refTotal.Rate, null, null));
            result.Context[$"append1.w{writers}.ours.p50"] = oursTotal.P(50);
            result.Context[$"append1.w{writers}.ours.p99"] = oursTotal.P(99);
            result.Context[$"append1.w{writers}.ref.p50"] = refTotal.P(50);
            result.Context[$"append1.w{writers}.ref.p99"] = refTotal.P(99);
            result.Context[$"append1.w{writers}.prepref.p50"] = prepRefTotal.P(50);
            result.Context[$"append1.w{writers}.noreset.p50"] = noResetTotal.P(50);
            result.Context[$"append1.w{writers}.ours.cpu"] = oursTotal.Cpu.Machine;
            result.Context[$"append1.w{writers}.ref.cpu"] = refTotal.Cpu.Machine;
            result.Context[$"append1.w{writers}.ours.server_us"] = oursTotal.ServerMicrosPerOp;
            result.Context[$"append1.w{writers}.ref.server_us"] = refTotal.ServerMicrosPerOp;
            result.Context[$"append1.w{writers}.prepref.server_us"] = prepRefTotal.ServerMicrosPerOp;
            result.Context[$"append1.w{writers}.noreset.server_us"] = noResetTotal.ServerMicrosPerOp;
            Note($"{label}: ours {oursTotal.Describe()}; raw INSERT {refTotal.Describe()}; prepared raw INSERT {prepRefTotal.Describe()}; " +
                 $"ours with No Reset On Close {noResetTotal.Describe()}");
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

    /// <summary>Appends of an event with personal fields to a stream whose subject key exists (context only, 1 writer).</summary>
    public async Task PersonalDataAppendsAsync()
    {
        var streams = Enumerable.Range(0, 16).Select(i => string.Create(CultureInfo.InvariantCulture, $"pd{run}-{i:D2}")).ToArray();
        var versions = new long[streams.Length];
        async Task OpAsync(int w, int i)
        {
            var k = i % streams.Length;
            var expected = versions[k] == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(versions[k]);
            versions[k] = await _store.AppendAsync(streams[k], "resident", expected, [new ResidentRegistered(streams[k], "north-1", "Ada Lovelace", "+44 7700 900123")]);
        }

        await PhaseAsync(1, streams.Length, OpAsync);
        var m = await PhaseAsync(1, s.SingleAppends / 4, OpAsync);
        result.Rows.Add(new Row("append1.pd", "Single-event appends with personal data, 1 writer (context)", "appends/s", m.Rate, null, null, null));
        Note($"Personal-data appends (existing subject key): {m.Describe()}");
    }

    // ---------------------------------------------------------------- 2. 1,000-event batches

    public async Task BatchAppendsAsync()
    {
        var events = Workload.Events(s.BatchSize);
        var oursBatch = 0;
        async Task OursAsync(int w, int i) =>
            await _store.AppendAsync(string.Create(CultureInfo.InvariantCulture, $"b{run}-{oursBatch++:D4}"), "import", ExpectedVersion.NoStream, events);

        await using var conn = await db.Reference.OpenConnectionAsync();
        var refBatch = 0;
        async Task RefAsync(int w, int i)
        {
            var stream = string.Create(CultureInfo.InvariantCulture, $"rb{run}-{refBatch++:D4}");
            await using var copy = await conn.BeginBinaryImportAsync(
                $"copy {BenchDatabase.Schema}.ref_events (id, stream_id, version, type, data, metadata) from stdin (format binary)");
            for (var e = 0; e < events.Length; e++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(stream, NpgsqlDbType.Text);
                await copy.WriteAsync((long)e + 1, NpgsqlDbType.Bigint);
                await copy.WriteAsync(Alias, NpgsqlDbType.Text);
                await copy.WriteAsync(Serialize(events[e]), NpgsqlDbType.Jsonb);
                await copy.WriteAsync(_metadataJson, NpgsqlDbType.Jsonb);
            }

            await copy.CompleteAsync();
        }

        // Warm-up: one batch each.
        await PhaseAsync(1, 1, OursAsync);
        await PhaseAsync(1, 1, RefAsync);

        var perRound = Math.Max(1, s.Batches / s.Rounds);
        var sides = await AlternateAsync(() => PhaseAsync(1, perRound, OursAsync), () => PhaseAsync(1, perRound, RefAsync));
        var (ours, reference) = (sides[0], sides[1]);
        ours = ours with { Ops = ours.Ops * s.BatchSize };
        reference = reference with { Ops = reference.Ops * s.BatchSize };
        result.Rows.Add(new Row("batch1000", $"{s.BatchSize:N0}-event batch appends, 1 writer", "events/s", ours.Rate, reference.Rate, 0.50, null));
        result.Context["batch1000.ours.cpu"] = ours.Cpu.Machine;
        result.Context["batch1000.ref.cpu"] = reference.Cpu.Machine;
        result.Context["batch1000.ours.client"] = ours.Cpu.Client;
        result.Context["batch1000.ours.server"] = ours.Cpu.Server;
        result.Context["batch1000.ref.client"] = reference.Cpu.Client;
        result.Context["batch1000.ref.server"] = reference.Cpu.Server;
        Note($"Batches of {s.BatchSize:N0}: ours (INSERT … SELECT FROM unnest) {ours.Describe("events/s")}; binary COPY {reference.Describe("events/s")}");
    }

    // ---------------------------------------------------------------- 3. reader and projection

    /// <summary>
    /// The physical reference for reads: the same rows of the same table fetched in <c>(tx_id, seq)</c> index order,
    /// keyset-paged in batches, with a statement prepared once, the id read in its native binary form, and every column
    /// read but nothing deserialised. It is not the store's query (no snapshot bound, no text conversion), just the
    /// floor for walking the table in commit order.
    /// </summary>
    private sealed class IndexOrderScan(NpgsqlConnection conn, int limit) : IAsyncDisposable
    {
        private NpgsqlCommand? _cmd;

        public async Task<(int Count, Position Last)> StepAsync(Position after)
        {
            if (_cmd is null)
            {
                _cmd = new NpgsqlCommand(
                    $"select seq, id, stream_id, version, type, data, metadata, timestamp, tx_id from {BenchDatabase.Schema}.events " +
                    "where (tx_id, seq) > ($1, $2) order by tx_id, seq limit $3", conn)
                {
                    Parameters =
                    {
                        new() { NpgsqlDbType = NpgsqlDbType.Xid8 },
                        new() { NpgsqlDbType = NpgsqlDbType.Bigint },
                        new() { NpgsqlDbType = NpgsqlDbType.Integer },
                    },
                };
                await _cmd.PrepareAsync();
            }

            _cmd.Parameters[0].Value = after.TxId;
            _cmd.Parameters[1].Value = after.Seq;
            _cmd.Parameters[2].Value = limit;
            await using var r = await _cmd.ExecuteReaderAsync();
            var n = 0;
            var last = after;
            long sink = 0;
            while (await r.ReadAsync())
            {
                n++;
                sink += r.GetGuid(1).GetHashCode() + r.GetString(2).Length + r.GetInt64(3) + r.GetString(4).Length
                        + r.GetString(5).Length + r.GetString(6).Length + r.GetDateTime(7).Ticks;
                last = new Position(r.GetFieldValue<ulong>(8), r.GetInt64(0));
            }

            GC.KeepAlive(sink);
            return (n, last);
        }

        public async ValueTask DisposeAsync()
        {
            if (_cmd is not null)
            {
                await _cmd.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// One batch through the store's own <see cref="EventReader.ReadAfterAsync"/>, checking on the way that positions
    /// only ever increase (the first measurement found them sorted as text).
    /// </summary>
    private async Task<IReadOnlyList<StoredEvent>> ReadBatchAsync(EventStore store, NpgsqlConnection conn, Position after)
    {
        var batch = await EventReader.ReadAfterAsync(store, conn, after, s.ReadBatch, CancellationToken.None);
        var previous = after;
        foreach (var e in batch)
        {
            if (e.Position.CompareTo(previous) <= 0)
            {
                throw new InvalidOperationException($"The reader returned {e.Position} after {previous}: out of order.");
            }

            previous = e.Position;
        }

        return batch;
    }

    public async Task ReadAndProjectAsync()
    {
        // Preload through our batch path: each session appends 10 events to each of 100 new streams in one transaction.
        _beforePreload = await _store.HeadAsync();
        var ten = Workload.Events(s.EventsPerStream);
        var preload = await PhaseAsync(1, s.PreloadSessions, async (_, g) =>
        {
            await using var session = _store.OpenSession();
            for (var k = 0; k < s.StreamsPerSession; k++)
            {
                session.Append(Workload.PreloadStream(run, g, k), StreamType, ExpectedVersion.NoStream, ten);
            }

            await session.SaveChangesAsync();
        });
        preload = preload with { Ops = preload.Ops * s.StreamsPerSession * s.EventsPerStream };
        result.Rows.Add(new Row("preload", $"Preload: sessions of {s.StreamsPerSession} streams × {s.EventsPerStream} events (context)", "events/s", preload.Rate, null, null, null));
        Note($"Preload of {s.PreloadEvents:N0} events: {preload.Describe("events/s")}");

        // A clean, analysed table so that hint-bit writes and autovacuum do not land inside the timed reads.
        await db.ExecuteAsync($"vacuum analyze {BenchDatabase.Schema}.events");

        var expected = await CountAsync();
        result.Context["read.events"] = expected;
        Note($"Reads below cover the whole table: {expected:N0} events (preload plus the append scenarios).");

        await WarmUpReadsAsync();
        var batches = Math.Ceiling(expected / (double)s.ReadBatch);
        var variants = new (string Key, string Label, CounterKind Kind, double? Target)[]
        {
            ("project.group", "Reader + projection, counter per 100 streams (~1 doc per batch)", CounterKind.PerGroup, 50_000),
            ("project.stream", "Reader + projection, counter per stream (~100 docs per batch)", CounterKind.PerStream, 50_000),
            ("project.stream.fetch", "  what-if: per stream, the batch's documents loaded in one query", CounterKind.PerStreamPrefetched, null),
        };

        // Each pass reads the whole table once per side; passes alternate the order (A B C …, … C B A) so that drift in
        // the machine's load spreads over all sides. Every projection pass has a checkpoint of its own and starts with no
        // documents.
        var sides = new List<Func<int, Task<Measured>>>
        {
            async _ =>
            {
                await using var refConn = await db.Reference.OpenConnectionAsync();
                await using var scan = new IndexOrderScan(refConn, s.ReadBatch);
                return await ReadLoopAsync(_store, expected, (_, after) => scan.StepAsync(after));
            },
            _ => ReadLoopAsync(_store, expected, async (conn, after) =>
            {
                var batch = await ReadBatchAsync(_store, conn, after);
                return (batch.Count, batch.Count == 0 ? after : batch[^1].Position);
            }),
        };
        foreach (var (key, _, kind, _) in variants)
        {
            sides.Add(async pass =>
            {
                var projection = new CounterProjection($"bench_{key.Replace('.', '_')}_{run}_{pass}", kind);
                var m = await ProjectAsync(projection, expected);
                var (docs, total) = await CountersAsync(projection.DocumentTypes[0].Name);
                if (total != expected)
                {
                    throw new InvalidOperationException($"Projection {projection.Name} counted {total} events, expected {expected}.");
                }

                Note($"  {key} pass {pass + 1}: {m.Describe("events/s")}; verified: {docs:N0} documents count {total:N0} events");
                await db.ExecuteAsync($"delete from {BenchDatabase.Schema}.documents where type = '{projection.DocumentTypes[0].Name}'");
                return m;
            });
        }

        var parts = sides.Select(_ => new List<Measured>()).ToArray();
        for (var pass = 0; pass < s.ReadPasses; pass++)
        {
            var order = Enumerable.Range(0, sides.Count);
            foreach (var i in pass % 2 == 0 ? order : order.Reverse())
            {
                parts[i].Add(await sides[i](pass));
            }
        }

        var measured = parts.Select(Measured.Sum).ToArray();
        var (reference, reader) = (measured[0], measured[1]);
        var perPass = batches * s.ReadPasses;
        result.Rows.Add(new Row("read", "Reader only (EventReader.ReadAfterAsync, batches of 1,000)", "events/s", reader.Rate, reference.Rate, null, null));
        result.Context["read.ours.client"] = reader.Cpu.Client;
        result.Context["read.ours.server"] = reader.Cpu.Server;
        result.Context["read.ref.client"] = reference.Cpu.Client;
        result.Context["read.ref.server"] = reference.Cpu.Server;
        result.Context["read.ms_per_batch.reader"] = reader.Seconds * 1000 / perPass;
        result.Context["read.ms_per_batch.ref"] = reference.Seconds * 1000 / perPass;
        Note($"Reader only: {reader.Describe("events/s")}; {reader.Seconds * 1000 / perPass:0.00} ms per batch");
        Note($"  reference, rows in index order, prepared, not deserialised: {reference.Describe("events/s")}; {reference.Seconds * 1000 / perPass:0.00} ms per batch");
        for (var v = 0; v < variants.Length; v++)
        {
            var (key, label, _, target) = variants[v];
            var m = measured[v + 2];
            result.Rows.Add(new Row(key, label, "events/s", m.Rate, null, null, target));
            result.Context[$"{key}.cpu"] = m.Cpu.Machine;
            result.Context[$"{key}.client"] = m.Cpu.Client;
            result.Context[$"{key}.server"] = m.Cpu.Server;
            result.Context[$"{key}.ms_per_batch"] = m.Seconds * 1000 / perPass;
            Note($"{label.Trim()}: {m.Describe("events/s")}; {m.Seconds * 1000 / perPass:0.00} ms per batch");
        }
    }

    /// <summary>
    /// JIT, connection and statement warm-up for the reader, the reference scan and every projection kind over a few
    /// batches, untimed; the documents it writes are deleted again.
    /// </summary>
    private async Task WarmUpReadsAsync()
    {
        const int batches = 3;
        await using (var conn = await _store.DataSource.OpenConnectionAsync())
        {
            var position = Position.Start;
            for (var b = 0; b < batches; b++)
            {
                var batch = await ReadBatchAsync(_store, conn, position);
                position = batch.Count == 0 ? position : batch[^1].Position;
            }

            foreach (var kind in Enum.GetValues<CounterKind>())
            {
                var projection = new CounterProjection($"warm_{kind}_{run}", kind);
                var subscription = new AsyncProjection(projection);
                var from = await Progression.GetAsync(_store, conn, projection.Name, CancellationToken.None);
                for (var b = 0; b < batches; b++)
                {
                    var batch = await ReadBatchAsync(_store, conn, from);
                    await subscription.HandleAsync(_store, batch, from, CancellationToken.None);
                    from = batch[^1].Position;
                }
            }
        }

        await using (var conn = await db.Reference.OpenConnectionAsync())
        await using (var scan = new IndexOrderScan(conn, s.ReadBatch))
        {
            var position = Position.Start;
            for (var b = 0; b < batches; b++)
            {
                (_, position) = await scan.StepAsync(position);
            }
        }

        await db.ExecuteAsync($"delete from {BenchDatabase.Schema}.documents");
    }

    /// <summary>What a subscription runner does per batch: the store's reader, then <see cref="AsyncProjection.HandleAsync"/>.</summary>
    private async Task<Measured> ProjectAsync(IProjection projection, long expected)
    {
        var subscription = new AsyncProjection(projection);
        await using (var conn = await _store.DataSource.OpenConnectionAsync())
        {
            await Progression.GetAsync(_store, conn, projection.Name, CancellationToken.None);
        }

        return await ReadLoopAsync(_store, expected, async (conn, after) =>
        {
            var batch = await ReadBatchAsync(_store, conn, after);
            if (batch.Count == 0)
            {
                return (0, after);
            }

            await subscription.HandleAsync(_store, batch, after, CancellationToken.None);
            return (batch.Count, batch[^1].Position);
        });
    }

    /// <summary>Reads from the start until <paramref name="expected"/> rows; an empty batch before then (an old
    /// transaction elsewhere in the cluster holding the snapshot's xmin back) is retried, and the wait counts.</summary>
    private async Task<Measured> ReadLoopAsync(EventStore store, long expected, Func<NpgsqlConnection, Position, Task<(int Count, Position Last)>> step)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync();
        var waits = 0;
        var m = await PhaseAsync(1, 1, async (_, _) =>
        {
            var position = Position.Start;
            long total = 0;
            var deadline = Stopwatch.StartNew();
            while (total < expected)
            {
                var (count, last) = await step(conn, position);
                if (count == 0)
                {
                    if (deadline.Elapsed > TimeSpan.FromMinutes(2))
                    {
                        throw new TimeoutException($"Read {total} of {expected} events; a transaction elsewhere holds the snapshot back.");
                    }

                    waits++;
                    await Task.Delay(10);
                    continue;
                }

                total += count;
                position = last;
            }
        });
        if (waits > 0)
        {
            Note($"  (a read waited {waits} × 10 ms for an older transaction in the cluster to finish)");
        }

        return m with { Ops = expected };
    }

    private async Task<long> CountAsync()
    {
        await using var conn = await db.Reference.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand($"select count(*) from {BenchDatabase.Schema}.events", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<(long Docs, long Events)> CountersAsync(string type)
    {
        await using var conn = await db.Reference.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(
            $"select count(*), coalesce(sum((data->>'count')::bigint), 0)::bigint from {BenchDatabase.Schema}.documents where type = @t", conn);
        cmd.Parameters.AddWithValue("t", type);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1));
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
        var stream = $"rt{run}";
        var version = await _store.AppendAsync(stream, StreamType, ExpectedVersion.NoStream, [Workload.Event(0)]);
        Report("single append (Exactly)", n, await Probes.CountRoundTripsAsync(async () =>
        {
            for (var i = 0; i < n; i++)
            {
                version = await _store.AppendAsync(stream, StreamType, ExpectedVersion.Exactly(version), [Workload.Event(i)]);
            }
        }));

        var pd = $"rtpd{run}";
        var pdVersion = await _store.AppendAsync(pd, "resident", ExpectedVersion.NoStream, [new ResidentRegistered(pd, "east-1", "Grace Hopper", "+44 7700 900456")]);
        Report("single append, personal data (key exists)", n, await Probes.CountRoundTripsAsync(async () =>
        {
            for (var i = 0; i < n; i++)
            {
                pdVersion = await _store.AppendAsync(pd, "resident", ExpectedVersion.Exactly(pdVersion), [new ResidentRegistered(pd, "east-1", "Grace Hopper", "+44 7700 900456")]);
            }
        }));

        var events = Workload.Events(s.BatchSize);
        Report($"{s.BatchSize:N0}-event append", 1, await Probes.CountRoundTripsAsync(() =>
            _store.AppendAsync($"rtb{run}", "import", ExpectedVersion.NoStream, events)));

        // Three batches of the preloaded events through a projection with its own checkpoint, after the verified runs.
        foreach (var kind in new[] { CounterKind.PerGroup, CounterKind.PerStream, CounterKind.PerStreamPrefetched })
        {
            var projection = new CounterProjection($"bench_rt_{kind}_{run}", kind);
            var subscription = new AsyncProjection(projection);
            await using var conn = await _store.DataSource.OpenConnectionAsync();
            await Progression.GetAsync(_store, conn, projection.Name, CancellationToken.None);
            var from = _beforePreload;
            await using (var set = new NpgsqlCommand($"update {BenchDatabase.Schema}.progression set last_tx_id = @tx::text::xid8, last_seq = @seq where name = @n", conn))
            {
                set.Parameters.AddWithValue("n", projection.Name);
                set.Parameters.AddWithValue("tx", from.TxId.ToString(CultureInfo.InvariantCulture));
                set.Parameters.AddWithValue("seq", from.Seq);
                await set.ExecuteNonQueryAsync();
            }

            const int batches = 3;
            Report($"projection batch ({kind}), read + handle", batches, await Probes.CountRoundTripsAsync(async () =>
            {
                for (var b = 0; b < batches; b++)
                {
                    var batch = await ReadBatchAsync(_store, conn, from);
                    await subscription.HandleAsync(_store, batch, from, CancellationToken.None);
                    from = batch[^1].Position;
                }
            }));
        }

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

        public double P(double p)
        {
            var sorted = LatencyUs.OrderBy(x => x).ToList();
            return Stats.Percentile(sorted, p);
        }

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

    /// <summary>Runs the sides in rounds A B C, C B A, A B C, ... and sums each side's rounds.</summary>
    private async Task<Measured[]> AlternateAsync(params Func<Task<Measured>>[] sides)
    {
        var parts = sides.Select(_ => new List<Measured>()).ToArray();
        for (var round = 0; round < s.Rounds; round++)
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
