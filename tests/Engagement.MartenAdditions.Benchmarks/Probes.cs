using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Engagement.MartenAdditions.Benchmarks;

/// <summary>
/// CPU over a phase from /proc: the whole machine, this process (the client) and every <c>postgres</c> process (the
/// server, including other users' backends). Values are in percent of one core, so 2 cores saturate at 200%.
/// </summary>
public readonly record struct CpuSnapshot(long MachineBusy, long MachineTotal, TimeSpan Client, long Server, long WallTicks)
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux.

    /// <summary>
    /// At the start of a phase the slow walk over /proc for the server comes first and the wall clock last; at the end,
    /// the other way round, so the sampler's own work stays outside the window.
    /// </summary>
    public static CpuSnapshot Take(bool end = false)
    {
        var wall = end ? Stopwatch.GetTimestamp() : 0;
        var server = end ? 0 : ServerTicks();
        var (busy, total) = Machine();
        var client = Process.GetCurrentProcess().TotalProcessorTime;
        if (end)
        {
            server = ServerTicks();
        }
        else
        {
            wall = Stopwatch.GetTimestamp();
        }

        return new CpuSnapshot(busy, total, client, server, wall);
    }

    private static (long Busy, long Total) Machine()
    {
        long busy = 0, total = 0;
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var f = cpu.Skip(1).Take(8).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal
            busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
            total = busy + f[3] + f[4];
        }
        catch (IOException)
        {
        }

        return (busy, total);
    }

    private static long ServerTicks()
    {
        long sum = 0;
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                var name = Path.GetFileName(dir);
                if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
                {
                    continue;
                }

                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var close = stat.LastIndexOf(')');
                    if (close < 0 || !stat.AsSpan(0, close).EndsWith("(postgres", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
                    var rest = stat[(close + 2)..].Split(' ');
                    sum += long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
        catch (IOException)
        {
        }

        return sum;
    }

    public static CpuUse operator -(CpuSnapshot end, CpuSnapshot start)
    {
        var wall = Stopwatch.GetElapsedTime(start.WallTicks, end.WallTicks).TotalSeconds;
        var machineFraction = end.MachineTotal > start.MachineTotal
            ? (double)(end.MachineBusy - start.MachineBusy) / (end.MachineTotal - start.MachineTotal)
            : double.NaN;
        return new CpuUse(
            machineFraction * Environment.ProcessorCount * 100,
            wall > 0 ? (end.Client - start.Client).TotalSeconds / wall * 100 : double.NaN,
            wall > 0 ? (end.Server - start.Server) / TicksPerSecond / wall * 100 : double.NaN,
            wall);
    }
}

/// <summary>Percent of one core over <see cref="Seconds"/> of wall time.</summary>
public readonly record struct CpuUse(double Machine, double Client, double Server, double Seconds)
{
    public static CpuUse Combine(IEnumerable<CpuUse> parts)
    {
        var list = parts.ToList();
        var wall = list.Sum(p => p.Seconds);
        return wall <= 0
            ? default
            : new CpuUse(list.Sum(p => p.Machine * p.Seconds) / wall, list.Sum(p => p.Client * p.Seconds) / wall, list.Sum(p => p.Server * p.Seconds) / wall, wall);
    }

    public override string ToString() =>
        $"CPU machine {Stats.F(Machine)}% / client {Stats.F(Client)}% / postgres {Stats.F(Server)}% (of {Environment.ProcessorCount * 100}%)";
}

public static class Probes
{
    /// <summary>
    /// Median latency of a bare round trip (<c>select 1</c>), an autocommit single-row insert (round trip + WAL flush at
    /// commit) and the same insert with <c>synchronous_commit = off</c> (no flush wait). The difference of the last two is
    /// what a commit's flush costs here.
    /// </summary>
    public static async Task<(double Select1Us, double InsertUs, double InsertAsyncCommitUs)> CommitCostAsync(NpgsqlDataSource ds, int count)
    {
        await using var conn = await ds.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand("create table if not exists bench.commit_probe (id bigserial primary key, v int not null, at timestamptz not null default now())", conn))
        {
            await create.ExecuteNonQueryAsync();
        }

        async Task<double> TimeAsync(string sql)
        {
            var samples = new List<double>(count);
            await using var cmd = new NpgsqlCommand(sql, conn);
            for (var i = 0; i < count + 20; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await cmd.ExecuteNonQueryAsync();
                if (i >= 20)
                {
                    samples.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
                }
            }

            return Stats.Median(samples);
        }

        var select1 = await TimeAsync("select 1");
        var insert = await TimeAsync("insert into bench.commit_probe (v) values (1)");
        await using (var off = new NpgsqlCommand("set synchronous_commit = off", conn))
        {
            await off.ExecuteNonQueryAsync();
        }

        var insertAsync = await TimeAsync("insert into bench.commit_probe (v) values (2)");
        await using (var on = new NpgsqlCommand("reset synchronous_commit", conn))
        {
            await on.ExecuteNonQueryAsync();
        }

        return (select1, insert, insertAsync);
    }

    /// <summary>
    /// Counts the Npgsql operations (each one network round trip, since nothing here pipelines across them) that
    /// <paramref name="body"/> issues, via Npgsql's tracing, grouped by operation name.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, int>> CountRoundTripsAsync(Func<Task> body)
    {
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name.StartsWith("Npgsql", StringComparison.Ordinal),
            Sample = (ref _) => ActivitySamplingResult.AllData,
            ActivityStopped = a => counts.AddOrUpdate(Describe(a), 1, (_, n) => n + 1),
        };
        ActivitySource.AddActivityListener(listener);
        await body();
        return counts;
    }

    private static string Describe(Activity a)
    {
        var sql = a.GetTagItem("db.query.text") as string ?? a.GetTagItem("db.statement") as string ?? a.DisplayName;
        sql = string.Join(' ', sql.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return sql.Length > 70 ? sql[..70] + "…" : sql;
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
