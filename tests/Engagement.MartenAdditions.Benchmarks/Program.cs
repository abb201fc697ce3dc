using System.Diagnostics;
using System.Globalization;
using Engagement.MartenAdditions.Benchmarks;

// Marten, configured as the services configure it, against physical PostgreSQL references in the same run.
//   dotnet run -c Release --project tests/Engagement.MartenAdditions.Benchmarks -- [--runs N] [--quick] [--only appends|batches|reads]
// --only runs one group of scenarios (reads = preload, reader and daemon catch-up), for a focused look at one figure.
// Each run creates a fresh database bench_<guid> and drops it at the end. ENGAGE_BENCH_PG overrides the admin
// connection string (default: engage/engage on 127.0.0.1:5432, database postgres).

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var runs = 3;
var quick = false;
string? only = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
            runs = n;
            i++;
            break;
        case "--quick":
            quick = true;
            break;
        case "--only" when i + 1 < args.Length && args[i + 1] is "appends" or "batches" or "reads":
            only = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: Engagement.MartenAdditions.Benchmarks [--runs N] [--quick] [--only appends|batches|reads]");
            return 2;
    }
}

var settings = quick ? BenchSettings.Quick : BenchSettings.Full;
var admin = BenchDatabase.AdminConnectionString();
var results = new List<RunResult>();
var total = Stopwatch.StartNew();

Console.WriteLine($"Marten benchmark: {runs} run(s){(quick ? ", --quick counts" : "")}; {Environment.ProcessorCount} cores shared by client and server; " +
                  $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB; .NET {Environment.Version}; load average {Probes.LoadAverage()}");
Console.WriteLine($"Settings: {settings}");

for (var run = 1; run <= runs; run++)
{
    var result = new RunResult();
    var started = Stopwatch.StartNew();
    var runCpu = CpuSnapshot.Take();
    await using (var db = await BenchDatabase.CreateAsync(admin))
    {
        result.Notes.Add($"Database {db.Name}; load average at start {Probes.LoadAverage()}");
        if (run == 1)
        {
            var pg = await db.SettingsAsync();
            Console.WriteLine($"PostgreSQL {pg["server_version"]}: " + string.Join(", ", pg.Where(x => x.Key != "server_version").Select(x => $"{x.Key}={x.Value}")));
            var (same, shape) = await db.CompareShapesAsync();
            Console.WriteLine($"Reference table bench.ref_events vs bench.mt_events: {shape}");
            foreach (var v in db.Variants)
            {
                Console.WriteLine($"Store {v.Describe()}");
            }

            var defaults = new Marten.StoreOptions();
            Console.WriteLine($"Marten {typeof(Marten.DocumentStore).Assembly.GetName().Version}, Npgsql {typeof(Npgsql.NpgsqlConnection).Assembly.GetName().Version}; " +
                              $"defaults: UseAdvisoryLockTransaction={defaults.Events.UseAdvisoryLockTransaction}, UseMonitoredAdvisoryLock={defaults.Events.UseMonitoredAdvisoryLock}, " +
                              $"UseListenNotifyForEventAppends={defaults.Events.UseListenNotifyForEventAppends}, AppendMode={defaults.Events.AppendMode}");
            if (!same)
            {
                Console.WriteLine("WARNING: the reference table's shape differs from mt_events (see above).");
            }
        }

        var scenarios = new Scenarios(db, settings, run, result);
        await scenarios.CommitCostAsync();
        // Alternate which writer count goes first between runs, so slow drift in machine load does not favour one.
        foreach (var writers in only is null or "appends" ? run % 2 == 1 ? new[] { 1, 8 } : [8, 1] : [])
        {
            await scenarios.SingleAppendsAsync(writers);
        }

        if (only is null or "batches")
        {
            await scenarios.BatchAppendsAsync();
        }

        if (only is null or "reads")
        {
            await scenarios.PreloadAsync();
            await scenarios.ReadAsync();
            await scenarios.CatchUpAsync();
        }

        if (only is null)
        {
            await scenarios.RoundTripsAsync();
        }

        // Other work on the machine during the run: machine CPU less this client's and all postgres processes'.
        var cpu = CpuSnapshot.Take(end: true) - runCpu;
        result.Context["run.other_cpu"] = cpu.Machine - cpu.Client - cpu.Server;
        result.Notes.Add($"Load average at end {Probes.LoadAverage()}; run took {started.Elapsed.TotalSeconds:0} s; over the run {cpu}, " +
                         $"so other processes used about {cpu.Machine - cpu.Client - cpu.Server:0}%");
    }

    results.Add(result);
    Report.PrintRun(run, result);
}

Report.PrintMedians(results);
Console.WriteLine($"Total {total.Elapsed.TotalSeconds:0} s; load average {Probes.LoadAverage()}");
return 0;
