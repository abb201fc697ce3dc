namespace Engagement.EventStore.Benchmarks;

public static class Report
{
    public static void PrintRun(int run, RunResult result)
    {
        Console.WriteLine();
        Console.WriteLine($"== Run {run}");
        PrintTable(result.Rows.Select(r => (r.Key, r.Label, r.Unit, r.Ours, r.Reference, r.Ratio, r.TargetRatio, r.TargetAbsolute)).ToList());
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
            return (key, first.Label, first.Unit, Stats.Median(all.Select(r => r.Ours)),
                refs.Count > 0 ? Stats.Median(refs) : (double?)null,
                ratios.Count > 0 ? Stats.Median(ratios) : (double?)null,
                first.TargetRatio, first.TargetAbsolute);
        }).ToList();
        PrintTable(rows);

        Console.WriteLine();
        Console.WriteLine("Per-run values (ours / reference / ratio):");
        foreach (var key in keys)
        {
            var all = results.SelectMany(r => r.Rows).Where(r => r.Key == key).ToList();
            Console.WriteLine($"  {key,-16} " + string.Join("  |  ", all.Select(r =>
                r.Reference is null ? Stats.F(r.Ours) : $"{Stats.F(r.Ours)} / {Stats.F(r.Reference.Value)} / {r.Ratio:P0}")));
        }

        Console.WriteLine($"  {"other CPU %",-16} " + string.Join("  |  ", results.Select(r => r.Context.TryGetValue("run.other_cpu", out var o) ? Stats.F(o) : "?")) +
                          "   (machine CPU used by other processes over each run, of " + (Environment.ProcessorCount * 100) + "%)");

        Console.WriteLine();
        Console.WriteLine("What bounds the numbers (medians over runs):");
        double M(string key) => Stats.Median(results.Where(r => r.Context.ContainsKey(key)).Select(r => r.Context[key]));
        var select1 = M("rtt.select1.us");
        var insert = M("rtt.insert.us");
        var insertAsync = M("rtt.insert_async.us");
        Console.WriteLine($"  Round trip (select 1) {select1:N0} µs; autocommit single-row insert {insert:N0} µs; with synchronous_commit=off {insertAsync:N0} µs.");
        Console.WriteLine($"  => each commit waits ≈ {insert - insertAsync:N0} µs for its WAL flush (fsync=on, synchronous_commit=on); one connection tops out near {1e6 / insert:N0} commits/s.");
        foreach (var w in new[] { 1, 8 })
        {
            Console.WriteLine($"  Single appends, {w} writer(s): p50 ours {M($"append1.w{w}.ours.p50") / 1000:0.00} ms vs raw {M($"append1.w{w}.ref.p50") / 1000:0.00} ms " +
                              $"(prepared raw {M($"append1.w{w}.prepref.p50") / 1000:0.00} ms, ours without reset {M($"append1.w{w}.noreset.p50") / 1000:0.00} ms), " +
                              $"p99 ours {M($"append1.w{w}.ours.p99") / 1000:0.00} ms vs raw {M($"append1.w{w}.ref.p99") / 1000:0.00} ms; " +
                              $"machine CPU ours {M($"append1.w{w}.ours.cpu"):N0}% vs raw {M($"append1.w{w}.ref.cpu"):N0}% of {Environment.ProcessorCount * 100}%; " +
                              $"postgres CPU per append ours {M($"append1.w{w}.ours.server_us"):N0} µs, raw {M($"append1.w{w}.ref.server_us"):N0} µs, " +
                              $"prepared raw {M($"append1.w{w}.prepref.server_us"):N0} µs, ours without reset {M($"append1.w{w}.noreset.server_us"):N0} µs.");
        }

        Console.WriteLine($"  1,000-event batches: machine CPU ours {M("batch1000.ours.cpu"):N0}% (client {M("batch1000.ours.client"):N0}%, postgres {M("batch1000.ours.server"):N0}%) " +
                          $"vs COPY {M("batch1000.ref.cpu"):N0}% (client {M("batch1000.ref.client"):N0}%, postgres {M("batch1000.ref.server"):N0}%).");
        Console.WriteLine($"  Reader over {M("read.events"):N0} events: {M("read.ms_per_batch.reader"):0.00} ms per batch of 1,000 " +
                          $"vs {M("read.ms_per_batch.ref"):0.00} ms for the rows alone in index order.");
        Console.WriteLine($"  Reader CPU: client {M("read.ours.client"):N0}% / postgres {M("read.ours.server"):N0}%; " +
                          $"rows only client {M("read.ref.client"):N0}% / postgres {M("read.ref.server"):N0}%.");
        foreach (var key in results[0].Rows.Select(r => r.Key).Where(k => k.StartsWith("project.", StringComparison.Ordinal)))
        {
            Console.WriteLine($"  {key}: {M($"{key}.ms_per_batch"):0.00} ms per batch; machine CPU {M($"{key}.cpu"):N0}% (client {M($"{key}.client"):N0}%, postgres {M($"{key}.server"):N0}%).");
        }

        Console.WriteLine("  (postgres CPU sums long-lived server processes; parallel-query workers come and go and are missed, so the machine figure is the upper bound.)");
        foreach (var key in results[0].Context.Keys.Where(k => k.StartsWith("rt.", StringComparison.Ordinal)))
        {
            Console.WriteLine($"  Round trips per {key[3..]}: {M(key):0.##}");
        }
    }

    private static void PrintTable(List<(string Key, string Label, string Unit, double Ours, double? Reference, double? Ratio, double? TargetRatio, double? TargetAbsolute)> rows)
    {
        Console.WriteLine($"| {"Scenario",-66} | {"Ours",12} | {"Reference",12} | {"Ratio",6} | {"Target",-18} |");
        Console.WriteLine($"|{new string('-', 68)}|{new string('-', 14)}:|{new string('-', 14)}:|{new string('-', 7)}:|{new string('-', 20)}|");
        foreach (var r in rows)
        {
            var target = r.TargetRatio is { } t
                ? $">= {t:P0} of ref: {(r.Ratio >= t ? "met" : "MISSED")}"
                : r.TargetAbsolute is { } a
                    ? $">= {a:N0}/s: {(r.Ours >= a ? "met" : "MISSED")}"
                    : "(context)";
            Console.WriteLine($"| {r.Label + " [" + r.Unit + "]",-66} | {Stats.F(r.Ours),12} | {(r.Reference is { } x ? Stats.F(x) : "—"),12} | {(r.Ratio is { } q ? q.ToString("P0", System.Globalization.CultureInfo.InvariantCulture) : "—"),6} | {target,-18} |");
        }
    }
}
