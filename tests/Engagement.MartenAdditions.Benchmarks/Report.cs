namespace Engagement.MartenAdditions.Benchmarks;

public static class Report
{
    public static void PrintRun(int run, RunResult result)
    {
        Console.WriteLine();
        Console.WriteLine($"== Run {run}");
        PrintTable(result.Rows.Select(r => (r.Label, r.Unit, r.Ours, r.Reference, r.Ratio, r.TargetRatio)).ToList());
        foreach (var note in result.Notes)
        {
            Console.WriteLine($"  {note}");
        }
    }

    public static void PrintMedians(IReadOnlyList<RunResult> results)
    {
        Console.WriteLine();
        Console.WriteLine($"== Medians of {results.Count} run(s) (ratio = median of the per-run ratios)");
        var keys = results.SelectMany(r => r.Rows).Select(r => r.Key).Distinct().ToList();
        var rows = keys.Select(key =>
        {
            var all = results.SelectMany(r => r.Rows).Where(r => r.Key == key).ToList();
            var first = all[0];
            var refs = all.Where(r => r.Reference is not null).Select(r => r.Reference!.Value).ToList();
            var ratios = all.Where(r => r.Ratio is not null).Select(r => r.Ratio!.Value).ToList();
            return (first.Label, first.Unit, Stats.Median(all.Select(r => r.Ours)),
                refs.Count > 0 ? Stats.Median(refs) : (double?)null,
                ratios.Count > 0 ? Stats.Median(ratios) : (double?)null,
                first.TargetRatio);
        }).ToList();
        PrintTable(rows);

        Console.WriteLine();
        Console.WriteLine("Per-run values (ours / reference / ratio):");
        foreach (var key in keys)
        {
            var all = results.SelectMany(r => r.Rows).Where(r => r.Key == key).ToList();
            Console.WriteLine($"  {key,-24} " + string.Join("  |  ", all.Select(r =>
                r.Reference is null ? Stats.F(r.Ours) : $"{Stats.F(r.Ours)} / {Stats.F(r.Reference.Value)} / {r.Ratio:P0}")));
        }

        Console.WriteLine($"  {"other CPU %",-24} " + string.Join("  |  ", results.Select(r => r.Context.TryGetValue("run.other_cpu", out var o) ? Stats.F(o) : "?")) +
                          "   (machine CPU used by other processes over each run, of " + (Environment.ProcessorCount * 100) + "%)");

        Console.WriteLine();
        Console.WriteLine("What bounds the numbers (medians over runs):");
        double M(string key) => Stats.Median(results.Where(r => r.Context.ContainsKey(key)).Select(r => r.Context[key]));
        var insert = M("rtt.insert.us");
        var insertAsync = M("rtt.insert_async.us");
        Console.WriteLine($"  Round trip (select 1) {M("rtt.select1.us"):N0} µs; autocommit single-row insert {insert:N0} µs; with synchronous_commit=off {insertAsync:N0} µs.");
        Console.WriteLine($"  => each commit waits ≈ {insert - insertAsync:N0} µs for its WAL flush (fsync=on, synchronous_commit=on); one connection tops out near {1e6 / insert:N0} commits/s.");
        var sides = results[0].Context.Keys.Where(k => k.StartsWith("append1.w1.", StringComparison.Ordinal) && k.EndsWith(".p50", StringComparison.Ordinal))
            .Select(k => k["append1.w1.".Length..^".p50".Length]).ToList();
        foreach (var w in sides.Count > 0 ? new[] { 1, 8 } : [])
        {
            Console.WriteLine($"  Single appends, {w} writer(s), per side: p50 / p99 latency, machine CPU, client CPU per append, postgres CPU per append:");
            foreach (var side in sides)
            {
                var k = $"append1.w{w}.{side}";
                Console.WriteLine($"    {side,-10} {M($"{k}.p50") / 1000:0.00} / {M($"{k}.p99") / 1000:0.00} ms; {M($"{k}.cpu"):N0}% of {Environment.ProcessorCount * 100}%; " +
                                  $"client {M($"{k}.client_us"):N0} µs; postgres {M($"{k}.server_us"):N0} µs");
            }
        }

        foreach (var side in results[0].Context.Keys.Where(k => k.StartsWith("batch1000.", StringComparison.Ordinal) && k.EndsWith(".cpu", StringComparison.Ordinal)))
        {
            var k = side[..^".cpu".Length];
            Console.WriteLine($"  {k}: machine CPU {M($"{k}.cpu"):N0}% (client {M($"{k}.client"):N0}%, postgres {M($"{k}.server"):N0}%); {1000 / M($"{k}.p50") * 1e3:N0} batches/s at p50 {M($"{k}.p50") / 1000:0.00} ms");
        }

        if (results[0].Context.ContainsKey("read.events"))
        {
            Console.WriteLine($"  Reader over {M("read.events"):N0} events: Marten CPU client {M("read.marten.client"):N0}% / postgres {M("read.marten.server"):N0}%; " +
                              $"raw rows client {M("read.raw.client"):N0}% / postgres {M("read.raw.server"):N0}%.");
            Console.WriteLine($"  Daemon catch-up: CPU machine {M("catchup.cpu"):N0}% (client {M("catchup.client"):N0}%, postgres {M("catchup.server"):N0}%); " +
                              $"client {M("catchup.client_us"):0.0} µs and postgres {M("catchup.server_us"):0.0} µs per event.");
        }

        Console.WriteLine("  (postgres CPU sums long-lived server processes; parallel-query workers come and go and are missed, so the machine figure is the upper bound.)");
        foreach (var key in results[0].Context.Keys.Where(k => k.StartsWith("rt.", StringComparison.Ordinal)))
        {
            Console.WriteLine($"  Round trips per {key[3..]}: {M(key):0.##}");
        }
    }

    private static void PrintTable(List<(string Label, string Unit, double Ours, double? Reference, double? Ratio, double? TargetRatio)> rows)
    {
        Console.WriteLine($"| {"Scenario",-76} | {"Marten",12} | {"Reference",12} | {"Ratio",6} | {"Target",-18} |");
        Console.WriteLine($"|{new string('-', 78)}|{new string('-', 14)}:|{new string('-', 14)}:|{new string('-', 7)}:|{new string('-', 20)}|");
        foreach (var r in rows)
        {
            var target = r.TargetRatio is { } t ? $">= {t:P0} of ref: {(r.Ratio >= t ? "met" : "MISSED")}" : "(context)";
            Console.WriteLine($"| {r.Label + " [" + r.Unit + "]",-76} | {Stats.F(r.Ours),12} | {(r.Reference is { } x ? Stats.F(x) : "—"),12} | {(r.Ratio is { } q ? q.ToString("P0", System.Globalization.CultureInfo.InvariantCulture) : "—"),6} | {target,-18} |");
        }
    }
}
