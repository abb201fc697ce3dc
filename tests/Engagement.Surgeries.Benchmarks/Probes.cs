using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Engagement.Surgeries.Benchmarks;

/// <summary>CPU in percent of one core over a burst (2 cores saturate at 200 %), per process group.</summary>
public readonly record struct CpuUse(double Machine, double Client, double Gateway, double Service, double Postgres, double RestOfStack, double Seconds)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"CPU machine {Machine:0}% = client {Client:0}% + gateway {Gateway:0}% + surgeries {Service:0}% + postgres {Postgres:0}% + other services and RabbitMQ {RestOfStack:0}% + rest {Other:0}% of {Environment.ProcessorCount * 100}%");

    /// <summary>Machine CPU not accounted to this client or the stack: other work on the machine (and the kernel's).</summary>
    public double Other => Machine - Client - Gateway - Service - Postgres - RestOfStack;

    /// <summary>CPU milliseconds per attempt for one column, over <paramref name="attempts"/>.</summary>
    public double MsPer(double percent, int attempts) => percent / 100 * Seconds * 1000 / attempts;
}

/// <summary>
/// The processes whose CPU is accounted: this client, the gateway and the surgeries service (found by their pid files
/// under .engage/pids or by their command lines), every postgres process (other databases' too: this is a shared
/// server) and the rest of the stack. Read from /proc, in clock ticks.
/// </summary>
public sealed class ProcessSet
{
    private const double TicksPerSecond = 100.0; // USER_HZ on Linux.
    private readonly int? _gateway;
    private readonly int? _service;
    private readonly int[] _rest;

    public ProcessSet(string repoRoot)
    {
        _gateway = Find(repoRoot, "gateway", "Engagement.Gateway.dll");
        _service = Find(repoRoot, "surgeries", "Engagement.Surgeries.dll");
        // The rest of the stack: the other three services (messaging reacts to bookings) and RabbitMQ.
        _rest = new[] { ("messaging", "Engagement.Messaging.dll"), ("profiles", "Engagement.Profiles.dll"), ("plans", "Engagement.Plans.dll") }
            .Select(x => Find(repoRoot, x.Item1, x.Item2)).OfType<int>()
            .Concat(Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var p) ? p : 0)
                .Where(p => p > 0 && Stat($"/proc/{p}") is { } f && f[0].EndsWith("(beam.smp", StringComparison.Ordinal)))
            .ToArray();
    }

    public string Describe() => $"gateway pid {_gateway?.ToString(CultureInfo.InvariantCulture) ?? "not found"}, surgeries pid {_service?.ToString(CultureInfo.InvariantCulture) ?? "not found"}, " +
                                $"rest of the stack pids {string.Join(' ', _rest)}";

    /// <param name="Postgres">Ticks per postgres process: backends come and go, so only those alive at the end count.</param>
    public readonly record struct Snapshot(long Wall, long MachineBusy, long MachineTotal, long Client, long Gateway, long Service, Dictionary<int, long> Postgres, long Rest)
    {
        public static CpuUse operator -(Snapshot end, Snapshot start)
        {
            var wall = Stopwatch.GetElapsedTime(start.Wall, end.Wall).TotalSeconds;
            double Pct(long a, long b) => (a - b) / TicksPerSecond / wall * 100;
            var postgres = end.Postgres.Sum(x => x.Value - start.Postgres.GetValueOrDefault(x.Key));
            var machine = end.MachineTotal > start.MachineTotal
                ? (double)(end.MachineBusy - start.MachineBusy) / (end.MachineTotal - start.MachineTotal) * Environment.ProcessorCount * 100
                : double.NaN;
            return new CpuUse(machine, Pct(end.Client, start.Client), Pct(end.Gateway, start.Gateway), Pct(end.Service, start.Service), Pct(postgres, 0),
                Pct(end.Rest, start.Rest), wall);
        }
    }

    public Snapshot Take()
    {
        var (busy, total) = Machine();
        return new Snapshot(Stopwatch.GetTimestamp(), busy, total, Ticks(Environment.ProcessId) ?? 0, _gateway is { } g ? Ticks(g) ?? 0 : 0,
            _service is { } s ? Ticks(s) ?? 0 : 0, PostgresTicks(), _rest.Sum(p => Ticks(p) ?? 0));
    }

    private static int? Find(string repoRoot, string name, string dll)
    {
        var pidFile = Path.Combine(repoRoot, ".engage", "pids", name);
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) && CommandLine(pid).Contains(dll, StringComparison.Ordinal))
        {
            return pid;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var p) && CommandLine(p).Contains(dll, StringComparison.Ordinal))
            {
                return p;
            }
        }

        return null;
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string[]? Stat(string dir)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var close = stat.LastIndexOf(')');
            return close < 0 ? null : [stat[..close], .. stat[(close + 2)..].Split(' ')];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // After "pid (comm) ": utime and stime are fields 14 and 15 (indexes 12 and 13 here, the head being index 0).
    private static long? Ticks(int pid) =>
        Stat($"/proc/{pid}") is { } f ? long.Parse(f[12], CultureInfo.InvariantCulture) + long.Parse(f[13], CultureInfo.InvariantCulture) : null;

    private static Dictionary<int, long> PostgresTicks()
    {
        var ticks = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            if (Stat(dir) is { } f && f[0].EndsWith("(postgres", StringComparison.Ordinal))
            {
                ticks[int.Parse(name, CultureInfo.InvariantCulture)] = long.Parse(f[12], CultureInfo.InvariantCulture) + long.Parse(f[13], CultureInfo.InvariantCulture);
            }
        }

        return ticks;
    }

    private static (long Busy, long Total) Machine()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        var busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
        return (busy, busy + f[3] + f[4]);
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}

/// <summary>What the service wrote for one surgery, read back from its database (read-only).</summary>
public sealed record StreamFacts(long Events, long Appends, long LargestAppend, long DocumentBytes, long DerivedBytes)
{
    public static async Task<StreamFacts?> ReadAsync(string connectionString, Guid surgeryId)
    {
        try
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                """
                select (select count(*) from surgeries.mt_events where stream_id = @s),
                       (select count(distinct xmin::text) from surgeries.mt_events where stream_id = @s),
                       (select coalesce(max(n), 0) from (select count(*) n from surgeries.mt_events where stream_id = @s group by xmin::text) x),
                       (select coalesce(length(data::text), 0) from surgeries.mt_doc_surgery where id = @s),
                       (select coalesce(length((data->'state'->'confirmed')::text), 0) + coalesce(length((data->'state'->'waitlist')::text), 0)
                               + coalesce(length((data->'state'->'bookedResidentIds')::text), 0)
                        from surgeries.mt_doc_surgery where id = @s)
                """, conn);
            cmd.Parameters.AddWithValue("s", $"surgery-{surgeryId}");
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            return new StreamFacts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? 0 : r.GetInt32(3), r.IsDBNull(4) ? 0 : r.GetInt32(4));
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            Console.Error.WriteLine($"(could not read engage_surgeries: {e.Message})");
            return null;
        }
    }
}
