using System.Globalization;

namespace Engagement.Surgeries.Benchmarks;

public sealed class RunResult(int run)
{
    public int Run { get; } = run;
    public Dictionary<string, Side> Sides { get; } = new(StringComparer.Ordinal);
    public BurstResult? ReadFull { get; set; }
    public BurstResult? ReadEmpty { get; set; }
    public BurstResult? SecondWave { get; set; }
}

/// <summary>One target's burst in one run, with what the service and its database say afterwards.</summary>
public sealed record Side(string Target, Guid SurgeryId, BurstResult Burst, Api.SurgeryState State, StreamFacts? Facts)
{
    public int Confirmed => Burst.Count(a => a is { Status: 201, Outcome: "confirmed" });
    public int Waitlisted => Burst.Count(a => a is { Status: 201, Outcome: "waitlisted" });
    public int Errors => Burst.Count(a => a.Status != 201);

    /// <summary>Everything that must hold, as messages; none when the run is right.</summary>
    public IEnumerable<string> Problems(int attempts, int capacity)
    {
        if (Confirmed != capacity)
        {
            yield return $"{Confirmed} confirmed, expected exactly {capacity}";
        }

        if (Errors > 0)
        {
            yield return $"{Errors} attempts did not answer 201 ({Burst.StatusSummary}); first: {Burst.Attempts.First(a => a.Status != 201).Error}";
        }

        var positions = Burst.Attempts.Where(a => a is { Status: 201, Outcome: "waitlisted" }).Select(a => a.WaitlistPosition ?? -1).Order().ToArray();
        var waitlist = attempts - capacity;
        if (!positions.SequenceEqual(Enumerable.Range(1, waitlist)))
        {
            yield return $"waitlist positions are not 1..{waitlist} once each ({positions.Length} waitlisted, {positions.Distinct().Count()} distinct, range {(positions.Length > 0 ? $"{positions[0]}..{positions[^1]}" : "none")})";
        }

        if (State.PlacesLeft != 0 || State.Waitlisted != waitlist)
        {
            yield return $"GET shows placesLeft {State.PlacesLeft} and waitlisted {State.Waitlisted}, expected 0 and {waitlist}";
        }

        if (Facts is { } f && f.Events != attempts + 1)
        {
            yield return $"the stream holds {f.Events} events, expected {attempts + 1} (scheduled + one per attempt)";
        }
    }

    public string Describe(int attempts, int capacity)
    {
        var b = Burst;
        var facts = Facts is { } f
            ? $"; stream: {f.Events:N0} events in {f.Appends:N0} appends (distinct transactions; largest {f.LargestAppend:N0} events, about {(double)attempts / Math.Max(1, f.Appends - 1):0} attempts per append); " +
              $"document {f.DocumentBytes / 1024.0:N0} KiB, of which {f.DerivedBytes / 1024.0:N0} KiB are derived lists (confirmed, waitlist, bookedResidentIds)"
            : "";
        return $"  {Target,-7}: {attempts:N0} attempts in {b.WallSeconds:0.000} s = {b.PerSecond:N0}/s; latency p50 {b.P(50):0} ms, p90 {b.P(90):0} ms, p99 {b.P(99):0} ms, max {b.P(100):0} ms; " +
               $"{b.StatusSummary}; confirmed {Confirmed}/{capacity}, waitlisted {Waitlisted}; GET placesLeft {State.PlacesLeft}, waitlisted {State.Waitlisted}{facts}\n" +
               $"           {b.Cpu}; per attempt: surgeries {b.Cpu.MsPer(b.Cpu.Service, attempts):0.00} ms, gateway {b.Cpu.MsPer(b.Cpu.Gateway, attempts):0.00} ms, " +
               $"postgres {b.Cpu.MsPer(b.Cpu.Postgres, attempts):0.00} ms, client {b.Cpu.MsPer(b.Cpu.Client, attempts):0.00} ms of CPU" +
               (Errors > 0 ? $"\n           first error: {b.Attempts.First(a => a.Status != 201).Error}" : "");
    }
}

public static class Report
{
    private static string F(double v, string format = "N0") => v.ToString(format, CultureInfo.InvariantCulture);

    public static void PrintMedians(IReadOnlyList<RunResult> results, int attempts, int capacity)
    {
        Console.WriteLine();
        Console.WriteLine($"== Medians of {results.Count} run(s), {attempts:N0} concurrent attempts per target, {capacity} places");
        Console.WriteLine("| Target | Attempts/s | Wall (s) | p50 (ms) | p99 (ms) | Confirmed | Errors | Appends per surgery |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        var medians = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var target in new[] { "gateway", "direct" })
        {
            var sides = results.Select(r => r.Sides[target]).ToList();
            double M(Func<Side, double> f) => Stats.Median(sides.Select(f));
            medians[target] = M(s => s.Burst.PerSecond);
            var confirmed = string.Join(", ", sides.Select(s => s.Confirmed).Distinct());
            var errors = sides.Sum(s => s.Errors);
            var appends = sides.All(s => s.Facts is not null) ? F(M(s => s.Facts!.Appends)) : "n/a";
            Console.WriteLine($"| {target} | {F(M(s => s.Burst.PerSecond))} | {F(M(s => s.Burst.WallSeconds), "0.000")} | {F(M(s => s.Burst.P(50)))} | {F(M(s => s.Burst.P(99)))} | " +
                              $"{confirmed} (every run) | {errors} (all runs) | {appends} |");
        }

        var ratios = results.Select(r => r.Sides["gateway"].Burst.PerSecond / r.Sides["direct"].Burst.PerSecond).ToList();
        Console.WriteLine();
        Console.WriteLine($"Gateway / direct throughput: {F(Stats.Median(ratios), "P0")} (median of per-run ratios: {string.Join(", ", ratios.Select(x => F(x, "P0")))})");
        Console.WriteLine($"Target >= 500 attempts/s through the gateway: {(medians["gateway"] >= 500 ? "met" : "MISSED")} ({F(medians["gateway"])}/s)");

        Console.WriteLine();
        Console.WriteLine("Per run (attempts/s, p50 / p99 ms):");
        foreach (var r in results)
        {
            Console.WriteLine($"  run {r.Run}: " + string.Join("; ", r.Sides.Values.Select(s => $"{s.Target} {F(s.Burst.PerSecond)}/s, {F(s.Burst.P(50))} / {F(s.Burst.P(99))} ms")));
        }

        Console.WriteLine();
        Console.WriteLine("What bounds it (medians over runs, CPU in ms per attempt):");
        foreach (var target in new[] { "gateway", "direct" })
        {
            var sides = results.Select(r => r.Sides[target]).ToList();
            double M(Func<Side, double> f) => Stats.Median(sides.Select(f));
            Console.WriteLine($"  {target}: machine {F(M(s => s.Burst.Cpu.Machine))}% of {Environment.ProcessorCount * 100}% (rest of the stack {F(M(s => s.Burst.Cpu.RestOfStack))}%, other work {F(M(s => s.Burst.Cpu.Other))}%); per attempt surgeries {F(M(s => s.Burst.Cpu.MsPer(s.Burst.Cpu.Service, attempts)), "0.00")} ms, " +
                              $"gateway {F(M(s => s.Burst.Cpu.MsPer(s.Burst.Cpu.Gateway, attempts)), "0.00")} ms, postgres {F(M(s => s.Burst.Cpu.MsPer(s.Burst.Cpu.Postgres, attempts)), "0.00")} ms, " +
                              $"client {F(M(s => s.Burst.Cpu.MsPer(s.Burst.Cpu.Client, attempts)), "0.00")} ms; " +
                              (sides.All(s => s.Facts is not null) ? $"appends {F(M(s => s.Facts!.Appends))}, largest {F(M(s => s.Facts!.LargestAppend))} events, final document {F(M(s => s.Facts!.DocumentBytes / 1024.0))} KiB" : ""));
        }

        var full = results.Where(r => r.ReadFull is not null).Select(r => r.ReadFull!).ToList();
        var empty = results.Where(r => r.ReadEmpty is not null).Select(r => r.ReadEmpty!).ToList();
        if (full.Count > 0 && empty.Count > 0)
        {
            double MF(Func<BurstResult, double> f) => Stats.Median(full.Select(f));
            double ME(Func<BurstResult, double> f) => Stats.Median(empty.Select(f));
            Console.WriteLine($"  Reads, {attempts:N0} concurrent GETs direct: full surgery {F(MF(b => b.PerSecond))}/s, surgeries CPU {F(MF(b => b.Cpu.MsPer(b.Cpu.Service, attempts)), "0.00")} ms/read, " +
                              $"postgres {F(MF(b => b.Cpu.MsPer(b.Cpu.Postgres, attempts)), "0.00")} ms/read; empty surgery {F(ME(b => b.PerSecond))}/s, " +
                              $"surgeries CPU {F(ME(b => b.Cpu.MsPer(b.Cpu.Service, attempts)), "0.00")} ms/read, postgres {F(ME(b => b.Cpu.MsPer(b.Cpu.Postgres, attempts)), "0.00")} ms/read.");
        }

        var waves = results.Where(r => r.SecondWave is not null).Select(r => r.SecondWave!).ToList();
        if (waves.Count > 0)
        {
            double MW(Func<BurstResult, double> f) => Stats.Median(waves.Select(f));
            var first = results.Select(r => r.Sides["direct"].Burst).ToList();
            double M1(Func<BurstResult, double> f) => Stats.Median(first.Select(f));
            Console.WriteLine($"  Direct, first wave (surgery from 0 to {attempts:N0} bookings) vs second wave ({attempts:N0} to {2 * attempts:N0}): " +
                              $"{F(M1(b => b.PerSecond))}/s vs {F(MW(b => b.PerSecond))}/s; p50 {F(M1(b => b.P(50)))} vs {F(MW(b => b.P(50)))} ms; " +
                              $"surgeries CPU {F(M1(b => b.Cpu.MsPer(b.Cpu.Service, attempts)), "0.00")} vs {F(MW(b => b.Cpu.MsPer(b.Cpu.Service, attempts)), "0.00")} ms/attempt, " +
                              $"postgres {F(M1(b => b.Cpu.MsPer(b.Cpu.Postgres, attempts)), "0.00")} vs {F(MW(b => b.Cpu.MsPer(b.Cpu.Postgres, attempts)), "0.00")} ms/attempt.");
        }
    }
}
