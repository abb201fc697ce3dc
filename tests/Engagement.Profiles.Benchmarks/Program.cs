using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.Profiles;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using Npgsql;

// Profiles benchmark: census imports and profile reads. Each run starts the profiles service on Kestrel in this process,
// on a fresh database, and measures, beside a physical reference taken in the same run:
//   1. every shipped file (seeds/census2021) imported, POST to "imported" (target < 2 s); reference: PostgreSQL's COPY
//      of the same files into plain tables;
//   2. a generated ward table the size of England and Wales's (8,000 rows; TS054's 18 columns and TS021's 49, around
//      the 25 of the target), with the progress values seen while polling (target < 5 s); reference: COPY of the file;
//   3. GET /api/profiles/areas/{code} with --clients concurrent clients (target p99 < 50 ms at 50); reference: the
//      service's /health/live under the same load.
//   bash infra/infra.sh up        (PostgreSQL and RabbitMQ)
//   dotnet run -c Release --project tests/Engagement.Profiles.Benchmarks -- [--runs N] [--clients N] [--reads N]
// It signs its own tokens with the tests' key; nothing is left behind (each run's database and virtual host are dropped).

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int runs = 3, clients = 50, reads = 5000;
for (var i = 0; i < args.Length; i++)
{
    int Int() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{args[i - 1]} needs a positive number");
    switch (args[i])
    {
        case "--runs": runs = Int(); break;
        case "--clients": clients = Int(); break;
        case "--reads": reads = Int(); break;
        default:
            Console.Error.WriteLine("usage: Engagement.Profiles.Benchmarks [--runs N] [--clients N] [--reads N]");
            return 2;
    }
}

var root = Repository.Root;
var seeds = Path.Combine(root, "seeds", "census2021");
// WebApplicationFactory finds a test project's service by an attribute the test SDK writes; an exe is told here.
Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ENGAGEMENT_PROFILES", Path.Combine(root, "services", "Profiles"));
var shipped = Directory.GetFiles(seeds, "census2021-ts*.csv").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
var ts021 = File.ReadAllLines(Path.Combine(seeds, "census2021-ts021-ward-nottinghamshire.csv"));
var ts054 = File.ReadAllLines(Path.Combine(seeds, "census2021-ts054-ward-nottinghamshire.csv"));
var generated054 = Generate(ts054, 8000);
var generated021 = Generate(ts021, 8000);
Console.WriteLine($"Profiles benchmark: {runs} run(s); {shipped.Count} shipped files ({shipped.Sum(b => b.Length):N0} bytes); generated 8,000-row files of " +
                  $"{ts054[0].Split(',').Length} columns ({generated054.Length:N0} bytes) and {ts021[0].Split(',').Length} columns ({generated021.Length:N0} bytes); " +
                  $"{reads:N0} reads by {clients} clients; {Environment.ProcessorCount} cores");

var results = new List<Dictionary<string, double>>();
for (var run = 1; run <= runs; run++)
{
    var r = new Dictionary<string, double>(StringComparer.Ordinal);
    await using (var bench = await BenchService<ProfilesApp>.StartAsync("pbench"))
    {
        var service = bench.Host;
        using var analyst = service.Client(TestTokens.Create(Roles.Analyst, "bench-analyst", [AreaScope.ForceWide]));
        analyst.Timeout = TimeSpan.FromMinutes(5);

        r["shipped_ms"] = await TimeImportsAsync(analyst, shipped, null);
        r["shipped_copy_ms"] = await TimeCopyAsync(bench.ConnectionString, shipped);
        var progress = new SortedSet<int>();
        r["gen18_ms"] = await TimeImportsAsync(analyst, [generated054], progress);
        r["gen18_progress_values"] = progress.Count;
        r["gen18_copy_ms"] = await TimeCopyAsync(bench.ConnectionString, [generated054]);
        progress.Clear();
        r["gen49_ms"] = await TimeImportsAsync(analyst, [generated021], progress);
        r["gen49_progress_values"] = progress.Count;
        r["gen49_copy_ms"] = await TimeCopyAsync(bench.ConnectionString, [generated021]);

        var areas = service.Services.GetService(typeof(AreaDirectory)) is AreaDirectory d ? d.All.Select(a => a.Code).ToArray() : throw new InvalidOperationException("No areas.");
        using var reader = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = service.BaseAddress };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(Roles.Neighbourhood, "bench-officer", [AreaScope.ForceWide]));
        r["profile_bytes"] = (await reader.GetByteArrayAsync($"/api/profiles/areas/{areas[0]}")).Length;
        await LoadProbe.RunAsync(reader, i => $"/api/profiles/areas/{areas[i % areas.Length]}", Math.Min(reads, 500), clients); // warm-up
        var profile = await LoadProbe.RunAsync(reader, i => $"/api/profiles/areas/{areas[i % areas.Length]}", reads, clients);
        await LoadProbe.RunAsync(reader, _ => "/health/live", Math.Min(reads, 500), clients); // warm-up
        var live = await LoadProbe.RunAsync(reader, _ => "/health/live", reads, clients);
        (r["read_p50_ms"], r["read_p99_ms"], r["read_rps"]) = (profile.P50Ms, profile.P99Ms, profile.PerSecond);
        (r["live_p50_ms"], r["live_p99_ms"], r["live_rps"]) = (live.P50Ms, live.P99Ms, live.PerSecond);
    }

    results.Add(r);
    Console.WriteLine($"run {run}: " + string.Join(", ", r.Select(x => $"{x.Key}={x.Value:0.#}")));
}

double Median(string key) => LoadProbe.Median(results.Select(r => r[key]));

Console.WriteLine();
Console.WriteLine($"Medians of {runs} run(s):");
Console.WriteLine($"  shipped files imported: {Median("shipped_ms"):N0} ms (target < 2,000); PostgreSQL COPY of the same files {Median("shipped_copy_ms"):N0} ms");
Console.WriteLine($"  8,000 x 18 columns: {Median("gen18_ms"):N0} ms (target < 5,000), {Median("gen18_progress_values"):N0} distinct progress values seen; COPY {Median("gen18_copy_ms"):N0} ms (ratio COPY/import {Median("gen18_copy_ms") / Median("gen18_ms"):P1})");
Console.WriteLine($"  8,000 x 49 columns: {Median("gen49_ms"):N0} ms (target < 5,000), {Median("gen49_progress_values"):N0} distinct progress values seen; COPY {Median("gen49_copy_ms"):N0} ms (ratio COPY/import {Median("gen49_copy_ms") / Median("gen49_ms"):P1})");
Console.WriteLine($"  GET /api/profiles/areas/{{code}}, {clients} clients: p50 {Median("read_p50_ms"):0.0} ms, p99 {Median("read_p99_ms"):0.0} ms (target < 50), {Median("read_rps"):N0}/s; " +
                  $"/health/live p50 {Median("live_p50_ms"):0.0} ms, p99 {Median("live_p99_ms"):0.0} ms, {Median("live_rps"):N0}/s (throughput ratio {Median("read_rps") / Median("live_rps"):P1})");
return 0;

// Posts each file, then waits until every one is imported; the elapsed time from the first POST. Progress percentages
// seen while polling go into `progress`.
static async Task<double> TimeImportsAsync(HttpClient client, IReadOnlyList<byte[]> files, SortedSet<int>? progress)
{
    var clock = Stopwatch.StartNew();
    var ids = new List<string>();
    foreach (var file in files)
    {
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var response = await client.PostAsync("/api/profiles/imports?reason=Benchmark", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.OK))
        {
            throw new InvalidOperationException($"Import refused ({(int)response.StatusCode}): {body}");
        }

        ids.Add(body["id"]!.GetValue<string>());
    }

    foreach (var id in ids)
    {
        while (true)
        {
            var status = JsonNode.Parse(await client.GetStringAsync($"/api/profiles/imports/{id}"))!;
            progress?.Add(status["percent"]?.GetValue<int>() ?? -1);
            var state = status["status"]!.GetValue<string>();
            if (state == "imported")
            {
                break;
            }

            if (state == "failed")
            {
                throw new InvalidOperationException($"Import failed: {status}");
            }

            await Task.Delay(20);
        }
    }

    return clock.Elapsed.TotalMilliseconds;
}

// The physical reference: PostgreSQL parsing and storing the same bytes with COPY (CSV, header), into a plain table of
// text columns per file, in one transaction per file.
static async Task<double> TimeCopyAsync(string connectionString, IReadOnlyList<byte[]> files)
{
    await using var conn = new NpgsqlConnection(connectionString);
    await conn.OpenAsync();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < files.Count; i++)
    {
        var header = new StreamReader(new MemoryStream(files[i])).ReadLine()!;
        var columns = CsvColumns(header);
        await using var tx = await conn.BeginTransactionAsync();
        await using (var create = new NpgsqlCommand($"create temp table copy_ref_{i} ({string.Join(", ", Enumerable.Range(0, columns).Select(c => $"c{c} text"))}) on commit drop", conn, tx))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var writer = await conn.BeginTextImportAsync($"copy copy_ref_{i} from stdin (format csv, header true)"))
        {
            await writer.WriteAsync(Encoding.UTF8.GetString(files[i]));
        }

        await tx.CommitAsync();
    }

    return clock.Elapsed.TotalMilliseconds;
}

static int CsvColumns(string header)
{
    var count = 1;
    var quoted = false;
    foreach (var c in header)
    {
        quoted ^= c == '"';
        count += !quoted && c == ',' ? 1 : 0;
    }

    return count;
}

// A ward table of `rows` rows: the real Nottinghamshire rows over and over, each under a new ward code, so every
// hierarchy check holds and every code is one the areas do not know (reported, as England's would be).
static byte[] Generate(string[] lines, int rows)
{
    var body = lines.Skip(1).Where(l => l.Length > 0).ToList();
    var sb = new StringBuilder(lines[0]).Append('\n');
    for (var i = 0; i < rows; i++)
    {
        // date, geography (quoted when it holds a comma), geography code, then the counts.
        var m = System.Text.RegularExpressions.Regex.Match(body[i % body.Count], "^([^,]*),(\"[^\"]*\"|[^,]*),([^,]*),(.*)$");
        sb.Append(m.Groups[1].Value).Append(",Generated ward ").Append(i).Append(",E05").Append((900000 + i).ToString("000000", CultureInfo.InvariantCulture))
            .Append(',').Append(m.Groups[4].Value).Append('\n');
    }

    return Encoding.UTF8.GetBytes(sb.ToString());
}
