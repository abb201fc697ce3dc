// Alert fan-out benchmark of the messaging service (BENCHMARKS.md, "Messaging: alert fan-out"). Needs `./engage up`.
//
//   dotnet run -c Release --project tests/Engagement.Messaging.Benchmarks -- load --residents 1000000 --real 100000
//       Seeds residents bench-0000000..: the first --real through the subscription store's own path (a DocumentSession
//       per --chunk residents: StartStream(SubscriptionSet) + Store(ResidentSubscription) + the subscribers row), the
//       rest as subscribers targeting rows only (in-app, no contact details) by binary COPY. Every 10th resident is in
//       area `bulwell` with interest `burglary` (100,000 of 1,000,000); the others are spread over the other 46 areas.
//       The store path stops after --real-seconds (600) and COPY loads the rest. `--reset` first deletes every bench-* resident (targeting rows, documents, streams, events, keys).
//   dotnet run -c Release --project tests/Engagement.Messaging.Benchmarks -- copyref --rows 1000000
//       The raw PostgreSQL reference: binary COPY of the inbox row shape into scratch tables (with and without the
//       inbox's indexes) and of the in-app deliveries row shape (with its indexes), each dropped afterwards.
//   dotnet run -c Release --project tests/Engagement.Messaging.Benchmarks -- fanout --runs 3 [--all] [--sample-ms 50]
//       POST an alert (bulwell + burglary, or --all: every area, every interest), approve it with a second
//       communications user, and time the approval's 202 to `completed` while sampling GET /alerts/{id} and GET /inbox
//       (a targeted resident) every --sample-ms each. Calls the messaging service directly (--url, default :8102).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Engagement.MartenAdditions;
using Engagement.Messaging;
using Engagement.Messaging.Subscriptions;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using NpgsqlTypes;

var command = args.FirstOrDefault() ?? "help";
var opts = Options.Parse(args.Skip(1).ToArray());
var conn = opts.Get("db", "Host=127.0.0.1;Port=5432;Database=engage_messaging;Username=engage;Password=engage;Timeout=30;Command Timeout=0");
switch (command)
{
    case "load":
        await Loader.RunAsync(conn, opts.Int("residents", 1_000_000), opts.Int("real", 100_000), opts.Int("chunk", 2000), opts.Int("workers", 2), opts.Has("reset"),
            opts.Int("real-seconds", 600));
        break;
    case "copyref":
        await CopyReference.RunAsync(conn, opts.Int("rows", 1_000_000));
        break;
    case "fanout":
        await FanOut.RunAsync(conn, new Uri(opts.Get("url", "http://127.0.0.1:8102")), opts.Int("runs", 3), opts.Has("all"), opts.Int("sample-ms", 50),
            opts.Get("key", FindRoot() + "/.engage/signing-key"));
        break;
    default:
        Console.WriteLine("Usage: load --residents N --real N [--chunk 2000] [--workers 2] [--reset] | copyref --rows N | fanout --runs N [--all] [--sample-ms 50]");
        break;
}

static string FindRoot()
{
    for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
    {
        if (File.Exists(Path.Combine(d.FullName, "engage")))
        {
            return d.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

internal sealed class Options(Dictionary<string, string?> values)
{
    public static Options Parse(string[] args)
    {
        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var k = args[i].TrimStart('-');
            d[k] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
        }

        return new Options(d);
    }

    public bool Has(string k) => values.ContainsKey(k);
    public string Get(string k, string def) => values.TryGetValue(k, out var v) && v is not null ? v : def;
    public int Int(string k, int def) => values.TryGetValue(k, out var v) && v is not null ? int.Parse(v, CultureInfo.InvariantCulture) : def;
}

internal static class Residents
{
    public const string Prefix = "bench-";
    public const string TargetArea = "bulwell";
    public const string TargetInterest = "burglary";

    public static readonly string[] Areas =
    [
        "aspley", "basford", "berridge", "bestwood", "bilborough", "bulwell", "bulwell-forest", "castle", "clifton-east", "clifton-west", "dales",
        "hyson-green-arboretum", "leen-valley", "lenton-wollaton-east", "mapperley", "meadows", "radford", "sherwood", "st-anns", "wollaton-west",
        "hucknall", "kirkby-in-ashfield", "sutton-in-ashfield", "harworth-bassetlaw-rural", "retford", "worksop", "beeston", "eastwood", "kimberley",
        "stapleford", "arnold", "carlton", "gedling-villages", "netherfield-colwick", "mansfield", "mansfield-woodhouse", "warsop", "newark",
        "ollerton-edwinstowe", "rainworth-blidworth-bilsthorpe", "southwell", "bingham", "cotgrave-keyworth", "east-leake", "radcliffe-on-trent",
        "ruddington", "west-bridgford",
    ];

    private static readonly string[] Others = Areas.Where(a => a != TargetArea).ToArray();
    private static readonly string[] OtherInterests = ["asb", "fraud", "road-safety", "scams", "vehicle-crime"];

    public static string Id(int i) => Prefix + i.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>Every 10th resident is in the target area with the target interest; 5% read Polish, the rest English.</summary>
    public static (string Area, string[] Interests, string Language) Of(int i) =>
        (i % 10 == 0 ? TargetArea : Others[i % Others.Length],
         i % 10 == 0 ? [TargetInterest, "asb"] : [OtherInterests[i % OtherInterests.Length]],
         i % 20 == 7 ? "pl" : "en");
}

internal static class Loader
{
    public static async Task RunAsync(string connectionString, int residents, int real, int chunk, int workers, bool reset, int realSeconds)
    {
        // The service's own store configuration (aliases, inline snapshots, the personal-data serializer and listener),
        // with no daemon: the running service's daemon relays whatever this writes.
        var services = new ServiceCollection().AddLogging();
        services.AddEngagementMarten("messaging", _ => connectionString, Config.ConfigureStore, (steps, _) => Config.SchemaSteps(steps), DaemonMode.Disabled);
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IDocumentStore>();
        var settings = provider.GetRequiredService<EventStoreSettings>();
        var s = settings.Schema;
        await using (var c = await settings.DataSource.OpenConnectionAsync())
        {
            if (reset)
            {
                var sw0 = Stopwatch.StartNew();
                foreach (var sql in new[]
                {
                    $"delete from {s}.subscribers where subscriber_id like 'bench-%'",
                    $"delete from {s}.mt_doc_resident_subscription where id like 'subscription-bench-%'",
                    $"delete from {s}.mt_events where stream_id like 'subscription-bench-%'",
                    $"delete from {s}.mt_streams where id like 'subscription-bench-%'",
                    $"delete from {s}.mt_doc_subject_key where id like 'subscriber:bench-%'",
                })
                {
                    await using var cmd = new NpgsqlCommand(sql, c);
                    Console.WriteLine($"{await cmd.ExecuteNonQueryAsync()} rows: {sql}");
                }

                Console.WriteLine($"reset in {sw0.Elapsed.TotalSeconds:F1} s");
            }

            await using var check = new NpgsqlCommand($"select count(*) from {s}.subscribers where subscriber_id like 'bench-%'", c);
            if ((long)(await check.ExecuteScalarAsync())! > 0)
            {
                throw new InvalidOperationException("bench-* residents already exist; pass --reset to load again.");
            }
        }

        real = Math.Min(real, residents);
        var now = DateTimeOffset.UtcNow;

        // Phase 1: the store's own path, chunk by chunk, `workers` sessions at a time.
        var next = -1;
        var sw = Stopwatch.StartNew();
        var chunks = (real + chunk - 1) / chunk;
        var done = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            int k;
            while (sw.Elapsed.TotalSeconds < realSeconds && (k = Interlocked.Increment(ref next)) < chunks)
            {
                var from = k * chunk;
                var to = Math.Min(real, from + chunk);
                // The subscription store's own path, a chunk per session: each stream's encrypted event, its inline
                // snapshot (SubscriptionSnapshot), the subject key (the session listener) and the targeting row, in one transaction.
                using var scope = PersonalDataScope.Begin();
                await using var session = store.LightweightSession();
                session.LastModifiedBy = "bench-loader";
                var rows = new List<ResidentSubscription>(to - from);
                for (var i = from; i < to; i++)
                {
                    var id = Residents.Id(i);
                    var (area, interests, language) = Residents.Of(i);
                    var set = new SubscriptionSet(id, 1, null, null, [area], interests, language, null, null);
                    session.Events.StartStream(ResidentSubscription.StreamId(id), set);
                    rows.Add(ResidentSubscription.Fresh(id, 1, 0).Evolve(set) with { Version = 1, Updated = now });
                }

                await InsertSubscribersAsync(await session.ConnectionInTransactionAsync(CancellationToken.None), s, rows, now, CancellationToken.None);
                await session.SaveChangesAsync();
                var n = Interlocked.Add(ref done, to - from);
                if (n % 20_000 < chunk)
                {
                    Console.WriteLine($"  store path: {n:N0} residents, {n / sw.Elapsed.TotalSeconds:N0}/s");
                }
            }
        }));
        var storeSeconds = sw.Elapsed.TotalSeconds;
        real = Math.Min(real, done);
        if (real > 0)
        {
            Console.WriteLine($"STORE PATH: {real:N0} residents (= {real:N0} events, streams, documents, keys, targeting rows) in {storeSeconds:F1} s: " +
                              $"{real / storeSeconds:N0} residents/s, {real / storeSeconds:N0} events/s (chunk {chunk}, {workers} sessions at a time)");
        }

        // Phase 2: the remaining targeting rows by binary COPY (what a fan-out reads).
        sw.Restart();
        await using (var c = await settings.DataSource.OpenConnectionAsync())
        {
            await using var w = await c.BeginBinaryImportAsync(
                $"copy {s}.subscribers (subscriber_id, area_codes, interests, email_verified, sms_enabled, language, active, updated) from stdin (format binary)");
            for (var i = real; i < residents; i++)
            {
                var (area, interests, language) = Residents.Of(i);
                await w.StartRowAsync();
                await w.WriteAsync(Residents.Id(i), NpgsqlDbType.Text);
                await w.WriteAsync(new[] { area }, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await w.WriteAsync(interests, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await w.WriteAsync(false, NpgsqlDbType.Boolean);
                await w.WriteAsync(false, NpgsqlDbType.Boolean);
                await w.WriteAsync(language, NpgsqlDbType.Text);
                await w.WriteAsync(true, NpgsqlDbType.Boolean);
                await w.WriteAsync(now.UtcDateTime, NpgsqlDbType.TimestampTz);
            }

            await w.CompleteAsync();
            await w.DisposeAsync();
            await using var analyze = new NpgsqlCommand($"analyze {s}.subscribers", c);
            await analyze.ExecuteNonQueryAsync();
        }

        var copySeconds = sw.Elapsed.TotalSeconds;
        if (residents > real)
        {
            Console.WriteLine($"COPY PATH: {residents - real:N0} subscribers targeting rows in {copySeconds:F1} s: {(residents - real) / copySeconds:N0} rows/s");
        }

        Console.WriteLine($"TOTAL: {residents:N0} residents in {storeSeconds + copySeconds:F1} s");
    }

    private static async Task InsertSubscribersAsync(NpgsqlConnection c, string s, List<ResidentSubscription> rows, DateTimeOffset now, CancellationToken ct)
    {
        // The same row SubscriberTable.UpsertAsync writes, for a whole chunk in one statement (areas as one text per
        // resident: the loader's residents each follow one area).
        await using var cmd = new NpgsqlCommand(
            $"""
            insert into {s}.subscribers (subscriber_id, area_codes, interests, email_verified, sms_enabled, language, active, updated)
            select id, array[area], string_to_array(interests, ','), false, false, language, true, @updated
            from unnest(@ids, @areas, @interests, @languages) as x(id, area, interests, language)
            """, c);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.SubscriberId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("areas", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.AlertAreas[0]).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("interests", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => string.Join(',', r.Interests ?? [])).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("languages", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Language ?? "en").ToArray() });
        cmd.Parameters.AddWithValue("updated", now.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

internal static class CopyReference
{
    public static async Task RunAsync(string connectionString, int rows)
    {
        await using var ds = NpgsqlDataSource.Create(connectionString);
        foreach (var indexed in new[] { true, false })
        {
            await using var c = await ds.OpenConnectionAsync();
            await Exec(c, "drop table if exists messaging.bench_copy_ref");
            await Exec(c, indexed
                ? "create table messaging.bench_copy_ref (like messaging.inbox_messages including defaults including indexes)"
                : "create table messaging.bench_copy_ref (like messaging.inbox_messages including defaults)");
            var alert = Guid.NewGuid();
            var sw = Stopwatch.StartNew();
            await using (var w = await c.BeginBinaryImportAsync(
                             "copy messaging.bench_copy_ref (id, subscriber_id, alert_id, kind, subject, body, language, created) from stdin (format binary)"))
            {
                var created = DateTime.UtcNow;
                for (var i = 0; i < rows; i++)
                {
                    await w.StartRowAsync();
                    await w.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                    await w.WriteAsync(Residents.Id(i), NpgsqlDbType.Text);
                    await w.WriteAsync(alert, NpgsqlDbType.Uuid);
                    await w.WriteAsync("alert:information", NpgsqlDbType.Text);
                    await w.WriteAsync(FanOut.Subject, NpgsqlDbType.Text);
                    await w.WriteAsync(FanOut.Body, NpgsqlDbType.Text);
                    await w.WriteAsync("en", NpgsqlDbType.Text);
                    await w.WriteAsync(created, NpgsqlDbType.TimestampTz);
                }

                await w.CompleteAsync();
            }

            var secs = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"COPY REFERENCE ({(indexed ? "with the inbox's 3 indexes" : "no indexes")}): {rows:N0} inbox-shaped rows in {secs:F2} s = {rows / secs:N0} rows/s");
            await Exec(c, "drop table messaging.bench_copy_ref");
        }

        // The other half of what a fan-out writes: one in-app delivery row per recipient, with the deliveries indexes.
        await using (var c = await ds.OpenConnectionAsync())
        {
            await Exec(c, "drop table if exists messaging.bench_copy_ref");
            await Exec(c, "create table messaging.bench_copy_ref (like messaging.deliveries including defaults including indexes)");
            var alert = Guid.NewGuid();
            var sw = Stopwatch.StartNew();
            await using (var w = await c.BeginBinaryImportAsync(
                             "copy messaging.bench_copy_ref (alert_id, recipient_id, channel, status, language) from stdin (format binary)"))
            {
                for (var i = 0; i < rows; i++)
                {
                    await w.StartRowAsync();
                    await w.WriteAsync(alert, NpgsqlDbType.Uuid);
                    await w.WriteAsync(Residents.Id(i), NpgsqlDbType.Text);
                    await w.WriteAsync("in-app", NpgsqlDbType.Text);
                    await w.WriteAsync("delivered", NpgsqlDbType.Text);
                    await w.WriteAsync("en", NpgsqlDbType.Text);
                }

                await w.CompleteAsync();
            }

            var secs = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"COPY REFERENCE (deliveries shape, with its 3 indexes): {rows:N0} rows in {secs:F2} s = {rows / secs:N0} rows/s");
            await Exec(c, "drop table messaging.bench_copy_ref");
        }
    }

    private static async Task Exec(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}

internal sealed class Tokens(byte[] key)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = true };
    private readonly SigningCredentials _credentials = new(new SymmetricSecurityKey(key) { KeyId = "engage-local" }, SecurityAlgorithms.HmacSha256);

    public string Create(string role, string sub) => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", sub), new Claim("role", role)]),
        Issuer = "engage-local",
        Audience = "engagement",
        Expires = DateTime.UtcNow.AddHours(3),
        SigningCredentials = _credentials,
    });
}

internal static class FanOut
{
    public const string Subject = "Burglaries in Bulwell: lock up and light up";
    public const string Body = "There have been several burglaries in the area this week. Please lock doors and windows, use timer lights, " +
                               "and report anything suspicious on 101, or 999 in an emergency.";

    private sealed record Sample(double AtSeconds, double Ms, int Status);

    public static async Task RunAsync(string connectionString, Uri baseUrl, int runs, bool all, int sampleMs, string keyFile)
    {
        var tokens = new Tokens(Convert.FromBase64String((await File.ReadAllTextAsync(keyFile)).Trim()));
        var requester = tokens.Create("communications", "bench-comms-requester");
        var approver = tokens.Create("communications", "bench-comms-approver");
        var resident = tokens.Create("resident", Residents.Id(0)); // in bulwell with burglary: targeted by both audiences
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(120) };
        await using var ds = NpgsqlDataSource.Create(connectionString);
        var audience = all
            ? new { areas = Residents.Areas, interests = Array.Empty<string>(), residents = true }
            : new { areas = new[] { Residents.TargetArea }, interests = new[] { Residents.TargetInterest }, residents = true };
        var results = new List<(double Client, double Server, long Targeted, int Batches, List<Sample> Alert, List<Sample> Inbox)>();
        for (var run = 1; run <= runs; run++)
        {
            // Warm both GETs (JIT, connection pools) outside the measurement.
            for (var i = 0; i < 5; i++)
            {
                await Send(http, HttpMethod.Get, "/api/messaging/inbox", resident, null);
            }

            using var post = await Send(http, HttpMethod.Post, "/api/messaging/alerts/", requester, new
            {
                type = "crime-prevention", priority = "routine", audience, subject = Subject, body = Body,
                translations = new Dictionary<string, object> { ["pl"] = new { subject = "Włamania w Bulwell", body = "W tym tygodniu doszło do kilku włamań." } },
            }, Guid.NewGuid().ToString());
            var postBody = await post.Content.ReadAsStringAsync();
            if (post.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"POST /alerts: {(int)post.StatusCode} {postBody}");
            }

            var location = post.Headers.Location!.ToString();
            using var posted = JsonDocument.Parse(postBody);
            var status0 = posted.RootElement.GetProperty("status").GetString();
            for (var i = 0; i < 5; i++)
            {
                await Send(http, HttpMethod.Get, location, requester, null);
            }

            var alertSamples = new List<Sample>();
            var inboxSamples = new List<Sample>();
            var clock = Stopwatch.StartNew();
            double? completedAt = null;
            string? last = null;
            using var stop = new CancellationTokenSource();
            var approveAt = 0.0;
            double approvedAt;
            var alertLoop = Loop(sampleMs, stop.Token, async () =>
            {
                var t = clock.Elapsed.TotalSeconds;
                var sw = Stopwatch.StartNew();
                using var r = await Send(http, HttpMethod.Get, location, requester, null);
                var body = await r.Content.ReadAsStringAsync();
                var ms = sw.Elapsed.TotalMilliseconds;
                lock (alertSamples)
                {
                    alertSamples.Add(new Sample(t, ms, (int)r.StatusCode));
                }

                if (r.IsSuccessStatusCode)
                {
                    using var j = JsonDocument.Parse(body);
                    var st = j.RootElement.GetProperty("status").GetString();
                    if (st == "completed" && completedAt is null && approveAt > 0)
                    {
                        completedAt = clock.Elapsed.TotalSeconds;
                        last = body;
                        await stop.CancelAsync();
                    }
                }
            });
            var inboxLoop = Loop(sampleMs, stop.Token, async () =>
            {
                var t = clock.Elapsed.TotalSeconds;
                var sw = Stopwatch.StartNew();
                using var r = await Send(http, HttpMethod.Get, "/api/messaging/inbox?pageSize=20", resident, null);
                await r.Content.ReadAsStringAsync();
                var ms = sw.Elapsed.TotalMilliseconds;
                lock (inboxSamples)
                {
                    inboxSamples.Add(new Sample(t, ms, (int)r.StatusCode));
                }
            });

            await Task.Delay(300);
            var sendApprove = clock.Elapsed.TotalSeconds;
            using (var approve = await Send(http, HttpMethod.Post, location + "/approve", approver, new { note = "benchmark" }))
            {
                approvedAt = clock.Elapsed.TotalSeconds;
                if (approve.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"approve: {(int)approve.StatusCode} {await approve.Content.ReadAsStringAsync()}");
                }
            }

            approveAt = approvedAt;
            var deadline = Task.Delay(TimeSpan.FromMinutes(10));
            await Task.WhenAny(Task.WhenAll(alertLoop, inboxLoop), deadline);
            await stop.CancelAsync();
            await Task.WhenAll(alertLoop, inboxLoop);
            if (completedAt is null)
            {
                throw new TimeoutException("The alert did not complete within 10 minutes.");
            }

            using var doc = JsonDocument.Parse(last!);
            var root = doc.RootElement;
            var id = root.GetProperty("id").GetGuid();
            double server;
            await using (var c = await ds.OpenConnectionAsync())
            await using (var cmd = new NpgsqlCommand("select extract(epoch from completed - started)::float8 from messaging.alert_progress where alert_id = @a", c))
            {
                cmd.Parameters.AddWithValue("a", id);
                server = (double)(await cmd.ExecuteScalarAsync())!;
            }

            var during = (Func<Sample, bool>)(x => x.AtSeconds >= approvedAt && x.AtSeconds <= completedAt);
            var a = alertSamples.Where(during).ToList();
            var b = inboxSamples.Where(during).ToList();
            var client = completedAt.Value - approvedAt;
            results.Add((client, server, root.GetProperty("targeted").GetInt64(), root.GetProperty("batchesTotal").GetInt32(), a, b));
            Console.WriteLine($"run {run}: alert {id} ({status0} -> completed), targeted {root.GetProperty("targeted").GetInt64():N0}, batches {root.GetProperty("batchesTotal").GetInt32()}, " +
                              $"approve call {1000 * (approvedAt - sendApprove):F0} ms; approval 202 -> completed seen {client:F2} s (server started->completed {server:F2} s)");
            Console.WriteLine($"   counts: {root.GetProperty("counts").GetRawText()}");
            Console.WriteLine($"   GET alert during: {Stats(a)}");
            Console.WriteLine($"   GET inbox during: {Stats(b)}");
            await Task.Delay(TimeSpan.FromSeconds(3)); // let autovacuum/checkpoint noise of the previous run settle a little
        }

        static double Median(IEnumerable<double> xs)
        {
            var s = xs.Order().ToArray();
            return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }

        Console.WriteLine($"SUMMARY ({(all ? "all residents" : "bulwell+burglary")}, {results.Count} runs, sampling every {sampleMs} ms): " +
                          $"median approval 202 -> completed {Median(results.Select(r => r.Client)):F2} s (runs: {string.Join(", ", results.Select(r => r.Client.ToString("F2", CultureInfo.InvariantCulture)))}); " +
                          $"server started->completed median {Median(results.Select(r => r.Server)):F2} s; targeted {results[0].Targeted:N0}; " +
                          $"{results[0].Targeted / Median(results.Select(r => r.Client)):N0} recipients/s");
        Console.WriteLine($"   GET alert, all runs pooled: {Stats(results.SelectMany(r => r.Alert).ToList())}; per-run p99 median {Median(results.Select(r => P(r.Alert, 0.99))):F1} ms");
        Console.WriteLine($"   GET inbox, all runs pooled: {Stats(results.SelectMany(r => r.Inbox).ToList())}; per-run p99 median {Median(results.Select(r => P(r.Inbox, 0.99))):F1} ms");
    }

    private static double P(List<Sample> xs, double q)
    {
        if (xs.Count == 0)
        {
            return double.NaN;
        }

        var s = xs.Select(x => x.Ms).Order().ToArray();
        return s[Math.Min(s.Length - 1, (int)Math.Ceiling(q * s.Length) - 1)];
    }

    private static string Stats(List<Sample> xs) =>
        xs.Count == 0 ? "no samples" :
        $"n={xs.Count} p50 {P(xs, 0.5):F1} ms, p99 {P(xs, 0.99):F1} ms, max {xs.Max(x => x.Ms):F1} ms, non-2xx {xs.Count(x => x.Status is < 200 or > 299)}";

    private static async Task Loop(int everyMs, CancellationToken stop, Func<Task> body)
    {
        var sw = Stopwatch.StartNew();
        var n = 0L;
        while (!stop.IsCancellationRequested)
        {
            await body();
            n++;
            var wait = n * everyMs - sw.ElapsedMilliseconds;
            if (wait > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string token, object? body, string? idempotencyKey = null)
    {
        using var req = new HttpRequestMessage(method, path);
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null)
        {
            req.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            req.Content = new StringContent(JsonSerializer.Serialize(body, JsonOpts), Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(req);
    }

    private static readonly JsonSerializerOptions JsonOpts = new(JsonSerializerDefaults.Web);
}
