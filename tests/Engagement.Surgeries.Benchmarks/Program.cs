using System.Globalization;
using Engagement.Surgeries.Benchmarks;

// Concurrent booking: N attempts at once at a surgery with few places, through the gateway and directly at the service.
//   ./engage up
//   dotnet run -c Release --project tests/Engagement.Surgeries.Benchmarks -- [--runs N] [--attempts N] [--capacity N]
//       [--connections N] [--gateway URL] [--direct URL] [--abort-probe]
// --abort-probe adds, after the runs, one burst directly at the service in which every 10th client gives up after
// 50 ms to 1 s, and reports what the other callers were answered (a robustness probe, not part of the medians).
// Assumes the stack `./engage up` runs (gateway :8080, surgeries :8101) and signs tokens with .engage/signing-key.
// Each run schedules fresh surgeries (officers of their own, 20-40 days ahead); nothing is cleaned up afterwards.

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

int runs = 3, attempts = 1000, capacity = 20, connections = 256;
var abortProbe = false;
string? gatewayUrl = null, directUrl = null;
for (var i = 0; i < args.Length; i++)
{
    int Int() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var n) && n > 0
        ? n
        : throw new ArgumentException($"{args[i - 1]} needs a positive number");
    string Str() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--runs": runs = Int(); break;
        case "--attempts": attempts = Int(); break;
        case "--capacity": capacity = Int(); break;
        case "--connections": connections = Int(); break;
        case "--gateway": gatewayUrl = Str(); break;
        case "--direct": directUrl = Str(); break;
        case "--abort-probe": abortProbe = true; break;
        default:
            Console.Error.WriteLine("usage: Engagement.Surgeries.Benchmarks [--runs N] [--attempts N] [--capacity N] [--connections N] [--gateway URL] [--direct URL] [--abort-probe]");
            return 2;
    }
}

if (capacity >= attempts)
{
    Console.Error.WriteLine("--capacity must be below --attempts, so that some attempts are waitlisted.");
    return 2;
}

var stack = StackSettings.Discover(gatewayUrl, directUrl);
Tokens tokens;
try
{
    await Api.RequireRunningAsync(stack);
    tokens = Tokens.FromKeyFile(stack.SigningKeyFile);
}
catch (StackNotRunningException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

var processes = new ProcessSet(stack.RepoRoot);
Console.WriteLine($"Booking benchmark: {runs} run(s) of {attempts:N0} concurrent attempts per target at a surgery with {capacity} places; " +
                  $"{Environment.ProcessorCount} cores shared by client, gateway, service and PostgreSQL; .NET {Environment.Version}; load average {ProcessSet.LoadAverage()}");
Console.WriteLine($"Gateway {stack.Gateway}, direct {stack.Direct}; {processes.Describe()}; client connections per target {connections}");

var staff = tokens.Create("neighbourhood", "bench-neighbourhood");
using var gateway = Api.CreateClient(stack.Gateway, connections);
using var direct = Api.CreateClient(stack.Direct, connections);
var targets = new[] { new Target("gateway", gateway), new Target("direct", direct) };
var tag = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);

// Warm-up, untimed: JIT on every path, the clients' and the gateway's connections opened, both targets exercised.
foreach (var t in targets)
{
    var warm = await Api.ScheduleAsync(gateway, staff, $"Benchmark warm-up ({t.Name})", capacity);
    var residents = Enumerable.Range(0, attempts).Select(i => tokens.Create("resident", $"bench-{tag}-warm-{t.Name}-{i}")).ToArray();
    var w = await Burst.BookAsync(t.Client, warm, residents, processes);
    Console.WriteLine($"Warm-up via {t.Name}: {w.Attempts.Count} attempts, {w.StatusSummary}, {w.PerSecond:N0}/s");
    await Burst.ReadAsync(direct, warm, 100, processes);
}

var results = new List<RunResult>();
var failures = new List<string>();
for (var run = 1; run <= runs; run++)
{
    var result = new RunResult(run);
    Console.WriteLine();
    Console.WriteLine($"== Run {run} (load average {ProcessSet.LoadAverage()})");
    var surgeries = new Dictionary<string, Guid>();
    foreach (var t in targets)
    {
        surgeries[t.Name] = await Api.ScheduleAsync(gateway, staff, $"Benchmark run {run} via {t.Name}", capacity);
    }

    // Alternate which target goes first, so that drift in the machine's load does not favour one.
    foreach (var t in run % 2 == 1 ? targets : targets.Reverse())
    {
        var id = surgeries[t.Name];
        var residents = Enumerable.Range(0, attempts).Select(i => tokens.Create("resident", $"bench-{tag}-r{run}-{t.Name}-{i}")).ToArray();
        GC.Collect();
        await Task.Delay(1000);
        var burst = await Burst.BookAsync(t.Client, id, residents, processes);
        var state = await Api.GetAsync(direct, id);
        var facts = await StreamFacts.ReadAsync(stack.SurgeriesDb, id);
        var side = new Side(t.Name, id, burst, state, facts);
        result.Sides[t.Name] = side;
        foreach (var problem in side.Problems(attempts, capacity))
        {
            failures.Add($"run {run}, {t.Name}: {problem}");
        }

        Console.WriteLine(side.Describe(attempts, capacity));
    }

    // What a surgery's size costs a request: the same number of concurrent reads, directly, of the full surgery and of
    // an empty one. Each booking attempt loads the surgery's document as such a read does.
    var empty = await Api.ScheduleAsync(gateway, staff, $"Benchmark run {run} read probe", capacity);
    await Burst.ReadAsync(direct, empty, 100, processes);
    var readFull = await Burst.ReadAsync(direct, surgeries["direct"], attempts, processes);
    var readEmpty = await Burst.ReadAsync(direct, empty, attempts, processes);
    result.ReadFull = readFull;
    result.ReadEmpty = readEmpty;
    Console.WriteLine($"  Read probe, {attempts:N0} concurrent GETs direct: surgery with {attempts:N0} bookings {readFull.PerSecond:N0}/s (p50 {readFull.P(50):0.0} ms; " +
                      $"surgeries CPU {readFull.Cpu.MsPer(readFull.Cpu.Service, attempts):0.00} ms/read, postgres {readFull.Cpu.MsPer(readFull.Cpu.Postgres, attempts):0.00} ms/read; {readFull.StatusSummary}); " +
                      $"empty surgery {readEmpty.PerSecond:N0}/s (p50 {readEmpty.P(50):0.0} ms; surgeries CPU {readEmpty.Cpu.MsPer(readEmpty.Cpu.Service, attempts):0.00} ms/read, " +
                      $"postgres {readEmpty.Cpu.MsPer(readEmpty.Cpu.Postgres, attempts):0.00} ms/read; {readEmpty.StatusSummary})");

    // Does the cost per attempt grow with the bookings a surgery already holds? A second wave of the same size at the
    // direct surgery, which now holds `attempts` bookings: every one of these is waitlisted behind the first wave.
    var second = surgeries["direct"];
    var more = Enumerable.Range(0, attempts).Select(i => tokens.Create("resident", $"bench-{tag}-r{run}-second-{i}")).ToArray();
    GC.Collect();
    await Task.Delay(1000);
    var wave = await Burst.BookAsync(direct, second, more, processes);
    result.SecondWave = wave;
    var wavePositions = wave.Attempts.Where(a => a is { Status: 201, Outcome: "waitlisted" }).Select(a => a.WaitlistPosition ?? -1).Order().ToArray();
    if (!wavePositions.SequenceEqual(Enumerable.Range(attempts - capacity + 1, attempts)))
    {
        failures.Add($"run {run}, second wave: {wave.StatusSummary}; waitlist positions not {attempts - capacity + 1}..{(2 * attempts) - capacity} once each");
    }

    var secondFacts = await StreamFacts.ReadAsync(stack.SurgeriesDb, second);
    Console.WriteLine($"  Second wave, direct, at the surgery already holding {attempts:N0} bookings: {wave.PerSecond:N0}/s; p50 {wave.P(50):0} ms, p99 {wave.P(99):0} ms; {wave.StatusSummary}; " +
                      $"per attempt surgeries {wave.Cpu.MsPer(wave.Cpu.Service, attempts):0.00} ms, postgres {wave.Cpu.MsPer(wave.Cpu.Postgres, attempts):0.00} ms of CPU; " +
                      (secondFacts is { } sf ? $"stream now {sf.Events:N0} events in {sf.Appends:N0} appends, document {sf.DocumentBytes / 1024.0:N0} KiB" : ""));
    results.Add(result);
}

Report.PrintMedians(results, attempts, capacity);

if (abortProbe)
{
    var id = await Api.ScheduleAsync(gateway, staff, "Benchmark abort probe", capacity);
    var residents = Enumerable.Range(0, attempts).Select(i => tokens.Create("resident", $"bench-{tag}-abort-{i}")).ToArray();
    // Give-up times spread from 50 ms to 1 s, so that some land while the giver-up is deciding a batch for others.
    var probe = await Burst.BookAsync(direct, id, residents, processes, i => i % 10 == 9 ? TimeSpan.FromMilliseconds(50 + (i / 10 % 20 * 50)) : null);
    var kept = probe.Attempts.Where((_, i) => i % 10 != 9).ToList();
    var abandoned = probe.Attempts.Where((_, i) => i % 10 == 9).ToList();
    var state = await Api.GetAsync(direct, id);
    var facts = await StreamFacts.ReadAsync(stack.SurgeriesDb, id);
    static string Summary(IEnumerable<Attempt> a) => string.Join(", ", a.GroupBy(x => x.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "abandoned/no answer" : g.Key.ToString(CultureInfo.InvariantCulture))} × {g.Count()}"));
    Console.WriteLine();
    Console.WriteLine($"Abort probe, direct: {abandoned.Count} of {attempts:N0} clients gave up after 50-1,000 ms ({Summary(abandoned)}); " +
                      $"the other {kept.Count} were answered: {Summary(kept)}. The surgery then shows placesLeft {state.PlacesLeft}, waitlisted {state.Waitlisted}" +
                      (facts is { } f ? $"; its stream holds {f.Events - 1:N0} booking events in {f.Appends - 1:N0} appends." : "."));
    if (kept.FirstOrDefault(a => a.Status >= 500) is { Error: { } error })
    {
        Console.WriteLine($"  first 5xx answered to a caller that did not give up: {error}");
    }
}
Console.WriteLine();
Console.WriteLine($"Load average at end {ProcessSet.LoadAverage()}");
if (failures.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("FAILED checks:");
    foreach (var f in failures)
    {
        Console.WriteLine($"  {f}");
    }

    return 3;
}

Console.WriteLine("All checks passed: every run confirmed exactly the capacity, waitlisted the rest in positions 1..N once each, and GET agreed.");
return 0;

internal sealed record Target(string Name, HttpClient Client);
