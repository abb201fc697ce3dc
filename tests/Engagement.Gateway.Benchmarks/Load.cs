using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Engagement.Gateway.Benchmarks;

/// <summary>What one timed run of requests achieved.</summary>
public sealed record Rate(long Succeeded, long Failed, TimeSpan Elapsed)
{
    public double PerSecond => Succeeded / Elapsed.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{PerSecond,8:N0}/s") + (Failed > 0 ? $" ({Failed:N0} failed)" : "");
}

/// <summary>A closed loop: each connection sends its next request when the last one is answered, as wrk does.</summary>
public static class Load
{
    /// <summary>One client for every target, so both sides of a comparison pay the same client costs.</summary>
    public static HttpClient CreateClient(int connections, string token)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            // No trace headers from the client: what is measured is what the gateway adds.
            ActivityHeadersPropagator = null,
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = HttpVersion.Version11,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<Rate> RunAsync(HttpClient client, Uri target, int connections, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(client);
        long succeeded = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            var buffer = new byte[16 * 1024];
            while (clock.Elapsed < duration)
            {
                try
                {
                    using var response = await client.GetAsync(target, HttpCompletionOption.ResponseHeadersRead);
                    await using var body = await response.Content.ReadAsStreamAsync();
                    while (await body.ReadAsync(buffer) > 0)
                    {
                    }

                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        return new Rate(succeeded, failed, clock.Elapsed);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>One timed run with the CPU time each process spent on it, per request answered.</summary>
/// <remarks>
/// <see cref="GatewayJit"/> is the part of the gateway's CPU its tiered-compilation thread spent (Linux only): each
/// variant is a fresh process, and on a busy machine that thread was still recompiling hot paths 30-75 s after start,
/// at 39-46 % of the gateway's CPU, which a fixed warm-up charges to whichever variant has more code to compile.
/// </remarks>
public sealed record Measured(Rate Rate, double ClientCpu, double? ServiceCpu, double? GatewayCpu, double? GatewayJit = null)
{
    public static async Task<Measured> RunAsync(HttpClient client, Uri target, int connections, TimeSpan duration, Process? service, ChildProcess? gateway)
    {
        var self = Process.GetCurrentProcess();
        var before = (Client: Cpu(self), Service: Cpu(service), Gateway: Cpu(gateway?.Process), Jit: gateway is null ? null : JitTicks(gateway.Process.Id));
        var rate = await Load.RunAsync(client, target, connections, duration);
        double? PerRequest(TimeSpan? from, TimeSpan? to) =>
            from is null || to is null || rate.Succeeded == 0 ? null : (to.Value - from.Value).TotalMicroseconds / rate.Succeeded;
        var jitAfter = gateway is null ? null : JitTicks(gateway.Process.Id);
        var jit = before.Jit is { } j0 && jitAfter is { } j1 && rate.Succeeded > 0 ? (j1 - j0) * 1e6 / TicksPerSecond / rate.Succeeded : (double?)null;
        return new Measured(rate, PerRequest(before.Client, Cpu(self)) ?? 0, PerRequest(before.Service, Cpu(service)), PerRequest(before.Gateway, Cpu(gateway?.Process)), jit);
    }

    /// <summary>The gateway's CPU per request without its JIT's.</summary>
    public double? GatewayCpuWithoutJit => GatewayCpu is { } cpu ? cpu - (GatewayJit ?? 0) : null;

    /// <summary>
    /// Loads the gateway in 2-second slices until its tiered-compilation thread (Linux: <c>/proc/PID/task/*/comm</c>
    /// is ".NET Tiered Com") spent at most 2 % of the gateway's CPU in a slice, or <paramref name="limit"/> has
    /// passed; says which. Elsewhere it does nothing and the fixed warm-up has to do.
    /// </summary>
    public static async Task<string> SettleAsync(HttpClient client, Uri target, int connections, ChildProcess gateway, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        if (JitTicks(gateway.Process.Id) is null)
        {
            return "not checked (no /proc)";
        }

        var clock = Stopwatch.StartNew();
        var share = 1.0;
        while (clock.Elapsed < limit)
        {
            var slice = await RunAsync(client, target, connections, TimeSpan.FromSeconds(2), null, gateway);
            share = slice is { GatewayCpu: > 0 and var cpu, GatewayJit: { } jit } ? jit / cpu : 0;
            if (share <= 0.02)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the JIT used {share:P0} of the gateway's CPU after {clock.Elapsed.TotalSeconds:F0} s more");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"the JIT still used {share:P0} of the gateway's CPU after {limit.TotalSeconds:F0} s more; read its figures with care");
    }

    /// <summary>USER_HZ, which /proc's utime and stime count in; 100 on Linux.</summary>
    private const double TicksPerSecond = 100;

    private static long? JitTicks(int pid)
    {
        try
        {
            long ticks = 0;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                if (stat[(open + 1)..close] == ".NET Tiered Com")
                {
                    var fields = stat[(close + 2)..].Split(' ');
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }

            return ticks;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static TimeSpan? Cpu(Process? process)
    {
        if (process is null)
        {
            return null;
        }

        process.Refresh();
        return process.TotalProcessorTime;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Rate}, CPU µs/request: client {ClientCpu:F0}{(ServiceCpu is { } s ? $", service {s:F0}" : "")}{(GatewayCpu is { } g ? $", gateway {g:F0}" : "")}{(GatewayJit is { } j ? $" (JIT {j:F0})" : "")}");
}

public sealed record VariantResult(Variant Variant, double Direct, double Gateway, double? GatewayCpu, double ClientCpuDirect, double ClientCpuGateway, double? ServiceCpuDirect, double? ServiceCpuGateway, double? GatewayCpuWithoutJit)
{
    public double Ratio => Direct == 0 ? 0 : Gateway / Direct;

    public static VariantResult From(Variant variant, IReadOnlyList<Measured> direct, IReadOnlyList<Measured> gateway)
    {
        static double? MedianOf(IEnumerable<double?> values) => values.All(v => v is not null) ? Load.Median(values.Select(v => v!.Value).ToList()) : null;
        return new VariantResult(variant,
            Load.Median(direct.Select(m => m.Rate.PerSecond).ToList()),
            Load.Median(gateway.Select(m => m.Rate.PerSecond).ToList()),
            MedianOf(gateway.Select(m => m.GatewayCpu)),
            Load.Median(direct.Select(m => m.ClientCpu).ToList()),
            Load.Median(gateway.Select(m => m.ClientCpu).ToList()),
            MedianOf(direct.Select(m => m.ServiceCpu)),
            MedianOf(gateway.Select(m => m.ServiceCpu)),
            MedianOf(gateway.Select(m => m.GatewayCpuWithoutJit)));
    }
}

public static class Report
{
    private static string Us(double? value) => value is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) : "-";

    public static void Print(IReadOnlyList<VariantResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var baseline = results.FirstOrDefault(r => r.Variant.Name == "baseline");
        Console.WriteLine();
        Console.WriteLine("Medians. CPU is µs of CPU time per request answered (client = this program), direct / through the gateway.");
        Console.WriteLine();
        Console.WriteLine("| variant | gateway req/s | direct req/s | gateway / direct | vs baseline | gateway CPU | without its JIT | service CPU | client CPU | what |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var change = baseline is null || r == baseline || baseline.Gateway == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"{(r.Gateway / baseline.Gateway) - 1:+0%;-0%}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Variant.Name} | {r.Gateway:N0} | {r.Direct:N0} | {r.Ratio:P0} | {change} | {Us(r.GatewayCpu)} | {Us(r.GatewayCpuWithoutJit)} | {Us(r.ServiceCpuDirect)} / {Us(r.ServiceCpuGateway)} | {Us(r.ClientCpuDirect)} / {Us(r.ClientCpuGateway)} | {r.Variant.What} |"));
        }

        if (baseline is { GatewayCpu: { } gw, ServiceCpuDirect: { } service })
        {
            var cores = Environment.ProcessorCount;
            var directBound = cores * 1e6 / (baseline.ClientCpuDirect + service);
            var gatewayBound = cores * 1e6 / (baseline.ClientCpuGateway + gw + (baseline.ServiceCpuGateway ?? service));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"What bounds it (baseline): on {cores} cores shared by client, gateway and service, direct can reach about {directBound:N0}/s " +
                $"(client {baseline.ClientCpuDirect:F0} + service {service:F0} µs a request) and through the gateway about {gatewayBound:N0}/s " +
                $"(client {baseline.ClientCpuGateway:F0} + gateway {gw:F0} + service {Us(baseline.ServiceCpuGateway)} µs): {gatewayBound / directBound:P0} of direct " +
                $"before any waiting. The gateway would need at most {Math.Max(0, ((baseline.ClientCpuDirect + service) / 0.6) - baseline.ClientCpuGateway - (baseline.ServiceCpuGateway ?? service)):F0} µs a request for 60 %."));
        }
    }
}
