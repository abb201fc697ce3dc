using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.Plans;
using Engagement.ServiceDefaults;
using Engagement.Testing;

// Plans benchmark: GET /api/plans/{id}/evaluation of a plan with 1,000 activities and 200 priorities (target: p99 under
// 100 ms), beside the service's /health/live under the same load (the physical reference of the same run). Each run
// starts the plans service on Kestrel in this process on a fresh database, drafts a plan, logs the activities through the
// API and imports a survey that raises the priorities.
//   bash infra/infra.sh up        (PostgreSQL and RabbitMQ)
//   dotnet run -c Release --project tests/Engagement.Plans.Benchmarks -- [--runs N] [--clients N] [--reads N]
// It signs its own tokens with the tests' key; each run's database and virtual host are dropped afterwards.

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int runs = 3, clients = 8, reads = 1000;
const int Activities = 1000, Priorities = 200;
for (var i = 0; i < args.Length; i++)
{
    int Int() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{args[i - 1]} needs a positive number");
    switch (args[i])
    {
        case "--runs": runs = Int(); break;
        case "--clients": clients = Int(); break;
        case "--reads": reads = Int(); break;
        default:
            Console.Error.WriteLine("usage: Engagement.Plans.Benchmarks [--runs N] [--clients N] [--reads N]");
            return 2;
    }
}

var root = Repository.Root;
// WebApplicationFactory finds a test project's service by an attribute the test SDK writes; an exe is told here.
Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ENGAGEMENT_PLANS", Path.Combine(root, "services", "Plans"));
Console.WriteLine($"Plans benchmark: {runs} run(s); a plan with {Activities:N0} activities and {Priorities} priorities; {reads:N0} evaluations by {clients} clients; " +
                  $"{Environment.ProcessorCount} cores");
var results = new List<Dictionary<string, double>>();
for (var run = 1; run <= runs; run++)
{
    var r = new Dictionary<string, double>(StringComparer.Ordinal);
    await using (var bench = await BenchService<PlansApp>.StartAsync("plbench"))
    {
        var service = bench.Host;
        using var officer = service.Client(TestTokens.Create(Roles.Neighbourhood, "bench-officer", ["bulwell"]));
        var today = DateOnly.FromDateTime(London.Show(DateTimeOffset.UtcNow).DateTime);
        using var drafted = await officer.PostAsJsonAsync("/api/plans", new
        {
            areaCode = "bulwell", startsOn = today.AddMonths(-6).ToString("yyyy-MM-dd"),
            targetCommunities = Enumerable.Range(0, 12).Select(i => $"Community {i}").ToArray(),
        });
        var planId = JsonNode.Parse(await drafted.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        var survey = new StringBuilder("respondent_area,issue_category,free_text,date\n");
        for (var i = 0; i < Priorities * 3; i++)
        {
            survey.Append($"bulwell,issue-{i % Priorities:000},Something to do with issue {i % Priorities},{today.AddDays(-(i % 150)):yyyy-MM-dd}\n");
        }

        using (var csv = new StringContent(survey.ToString(), Encoding.UTF8))
        {
            csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            var imported = await officer.PostAsync("/api/plans/priorities/imports/survey", csv);
            if (!imported.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Survey refused: {await imported.Content.ReadAsStringAsync()}");
            }
        }

        var kinds = new[] { "patrol", "school-session", "faith-venue-visit", "online-post", "kin-cascade" };
        var channels = new[] { "face-to-face", "social-media", "whatsapp", "email" };
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Activities)
            {
                using var logged = await officer.PostAsJsonAsync($"/api/plans/{planId}/activities", new
                {
                    kind = kinds[i % kinds.Length], on = today.AddDays(-(i % 180)).ToString("yyyy-MM-dd"), summary = $"Activity {i}",
                    targetCommunity = $"Community {i % 15}", channel = channels[i % channels.Length], peopleReached = i % 50,
                });
                if (logged.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"Activity refused: {await logged.Content.ReadAsStringAsync()}");
                }
            }
        }));

        var evaluation = JsonNode.Parse(await officer.GetStringAsync($"/api/plans/{planId}/evaluation"))!;
        var priorities = JsonNode.Parse(await officer.GetStringAsync("/api/plans/priorities?area=bulwell"))!.AsArray().Count;
        if (evaluation["activity"]!["total"]!.GetValue<int>() != Activities || priorities != Priorities)
        {
            throw new InvalidOperationException($"Expected {Activities} activities and {Priorities} priorities; the evaluation has {evaluation["activity"]!["total"]} and the area {priorities}.");
        }

        r["evaluation_bytes"] = (await officer.GetByteArrayAsync($"/api/plans/{planId}/evaluation")).Length;
        using var reader = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = service.BaseAddress };
        reader.DefaultRequestHeaders.Authorization = officer.DefaultRequestHeaders.Authorization;
        await LoadProbe.RunAsync(reader, _ => $"/api/plans/{planId}/evaluation", Math.Min(reads, 200), clients); // warm-up
        var read = await LoadProbe.RunAsync(reader, _ => $"/api/plans/{planId}/evaluation", reads, clients);
        var single = await LoadProbe.RunAsync(reader, _ => $"/api/plans/{planId}/evaluation", Math.Min(reads, 300), 1);
        await LoadProbe.RunAsync(reader, _ => "/health/live", Math.Min(reads, 200), clients); // warm-up
        var live = await LoadProbe.RunAsync(reader, _ => "/health/live", reads, clients);
        (r["eval_p50_ms"], r["eval_p99_ms"], r["eval_rps"]) = (read.P50Ms, read.P99Ms, read.PerSecond);
        (r["eval1_p50_ms"], r["eval1_p99_ms"]) = (single.P50Ms, single.P99Ms);
        (r["live_p50_ms"], r["live_p99_ms"], r["live_rps"]) = (live.P50Ms, live.P99Ms, live.PerSecond);
    }

    results.Add(r);
    Console.WriteLine($"run {run}: " + string.Join(", ", r.Select(x => $"{x.Key}={x.Value:0.#}")));
}

double Median(string key) => LoadProbe.Median(results.Select(r => r[key]));
Console.WriteLine();
Console.WriteLine($"Medians of {runs} run(s), evaluation of {Median("evaluation_bytes"):N0} bytes:");
Console.WriteLine($"  {clients} clients: p50 {Median("eval_p50_ms"):0.0} ms, p99 {Median("eval_p99_ms"):0.0} ms (target < 100), {Median("eval_rps"):N0}/s; " +
                  $"/health/live p50 {Median("live_p50_ms"):0.0} ms, p99 {Median("live_p99_ms"):0.0} ms, {Median("live_rps"):N0}/s (throughput ratio {Median("eval_rps") / Median("live_rps"):P1})");
Console.WriteLine($"  one client: p50 {Median("eval1_p50_ms"):0.0} ms, p99 {Median("eval1_p99_ms"):0.0} ms");
return 0;
