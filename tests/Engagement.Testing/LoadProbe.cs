using System.Diagnostics;
using System.Net;

namespace Engagement.Testing;

/// <summary>What the benchmarks measure a read with: many GETs from concurrent workers, every one answered 200.</summary>
public static class LoadProbe
{
    public sealed record Result(double P50Ms, double P99Ms, double PerSecond);

    /// <summary><paramref name="total"/> GETs of <paramref name="path"/>(i) from <paramref name="clients"/> workers: latency percentiles and throughput.</summary>
    public static async Task<Result> RunAsync(HttpClient client, Func<int, string> path, int total, int clients)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(path);
        var latencies = new double[total];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path(i), HttpCompletionOption.ResponseContentRead);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"GET {path(i)} answered {(int)response.StatusCode}");
                }
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new Result(latencies[(int)(total * 0.50)], latencies[Math.Min(total - 1, (int)Math.Ceiling(total * 0.99) - 1)], total / elapsed);
    }

    /// <summary>The median of several runs' figures.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
