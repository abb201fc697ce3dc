using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Engagement.Surgeries.Benchmarks;

/// <summary>One answered (or failed) request: when it was sent and answered, and what it said.</summary>
public readonly record struct Attempt(long SentTicks, long AnsweredTicks, int Status, string? Outcome, int? WaitlistPosition, string? Error)
{
    public double LatencyMs => Stopwatch.GetElapsedTime(SentTicks, AnsweredTicks).TotalMilliseconds;
}

/// <summary>What one burst of concurrent requests did.</summary>
public sealed record BurstResult(IReadOnlyList<Attempt> Attempts, CpuUse Cpu)
{
    /// <summary>First send to last answer.</summary>
    public double WallSeconds => Stopwatch.GetElapsedTime(Attempts.Min(a => a.SentTicks), Attempts.Max(a => a.AnsweredTicks)).TotalSeconds;

    public double PerSecond => Attempts.Count / WallSeconds;

    public double P(double p)
    {
        var sorted = Attempts.Select(a => a.LatencyMs).Order().ToArray();
        return Stats.Percentile(sorted, p);
    }

    public int Count(Func<Attempt, bool> predicate) => Attempts.Count(predicate);

    public string StatusSummary => string.Join(", ", Attempts.GroupBy(a => a.Status).OrderBy(g => g.Key)
        .Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))} × {g.Count()}"));
}

public static class Burst
{
    private sealed record BookingAnswer(Guid BookingId, string? Status, int? WaitlistPosition);

    /// <summary>
    /// Books <paramref name="tokens"/>.Count places at once, one resident per token: every request is built and its
    /// task started first, all waiting on one gate, which is then opened.
    /// </summary>
    /// <param name="abort">Attempts to abandon on purpose: the client gives up on them after this long (probe only).</param>
    public static Task<BurstResult> BookAsync(HttpClient client, Guid surgeryId, IReadOnlyList<string> tokens, ProcessSet processes,
        Func<int, TimeSpan?>? abort = null)
    {
        var path = $"/api/surgeries/{surgeryId}/bookings";
        var bodies = tokens.Select((_, i) => Encoding.UTF8.GetBytes($$"""{"name":"Bench Resident {{i}}","contact":"resident{{i}}@example.org"}""")).ToArray();
        return RunAsync(tokens.Count, processes, async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bodies[i]) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[i]);
            using var cts = abort?.Invoke(i) is { } after ? new CancellationTokenSource(after) : null;
            return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts?.Token ?? CancellationToken.None);
        }, (status, body) =>
        {
            if (status != 201)
            {
                return (null, null);
            }

            var answer = JsonSerializer.Deserialize<BookingAnswer>(body, Api.Json)!;
            return (answer.Status, answer.WaitlistPosition);
        });
    }

    /// <summary>Reads one surgery <paramref name="count"/> times at once (anonymous): the per-request cost of loading it.</summary>
    public static Task<BurstResult> ReadAsync(HttpClient client, Guid surgeryId, int count, ProcessSet processes) =>
        RunAsync(count, processes, _ => client.GetAsync($"/api/surgeries/{surgeryId}", HttpCompletionOption.ResponseContentRead), (_, _) => (null, null));

    private static async Task<BurstResult> RunAsync(
        int count, ProcessSet processes, Func<int, Task<HttpResponseMessage>> send, Func<int, byte[], (string? Outcome, int? Position)> parse)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new Task<Attempt>[count];
        for (var i = 0; i < count; i++)
        {
            var n = i;
            tasks[i] = Task.Run(async () =>
            {
                await gate.Task;
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await send(n);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    var answered = Stopwatch.GetTimestamp();
                    var status = (int)response.StatusCode;
                    var (outcome, position) = parse(status, body);
                    return new Attempt(sent, answered, status, outcome, position, status >= 400 ? Trim(Encoding.UTF8.GetString(body)) : null);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return new Attempt(sent, Stopwatch.GetTimestamp(), 0, null, null, e.Message);
                }
            });
        }

        // Let every task reach the gate before it opens.
        await Task.Delay(200);
        var before = processes.Take();
        gate.SetResult();
        var attempts = await Task.WhenAll(tasks);
        var cpu = processes.Take() - before;
        return new BurstResult(attempts, cpu);
    }

    private static string Trim(string s) => s.Length > 300 ? s[..300] + "…" : s;
}

public static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
