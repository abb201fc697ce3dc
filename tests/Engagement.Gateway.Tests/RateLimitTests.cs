using System.Net;
using Engagement.Testing;

namespace Engagement.Gateway.Tests;

/// <summary>Per-client token buckets at the gateway: 2 a second with a burst of 2, keyed on the token's subject.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private static readonly Uri Areas = new("/api/surgeries/areas", UriKind.Relative);
    private GatewayStack _stack = null!;

    public async Task InitializeAsync() => _stack = await GatewayStack.StartAsync(
        "gwrate",
        new Dictionary<string, string?> { ["Gateway:RateLimit:PermitsPerSecond"] = "2", ["Gateway:RateLimit:Burst"] = "2" },
        ["surgeries"]);

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    [Fact]
    public async Task a_client_over_its_limit_gets_429_problem_json_with_retry_after_and_others_are_not_limited()
    {
        // Warm the route and the connection to the service with another subject, so the limited client's calls are
        // quick and all fall inside its bucket's first second.
        using (var warm = _stack.Client(TestTokens.Create("neighbourhood", sub: "warm-up")))
        using (var first = await warm.GetAsync(Areas))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var limited = _stack.Client(TestTokens.Create("neighbourhood", sub: "busy-officer"));
        var responses = new List<HttpResponseMessage>();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < 6; i++)
            {
                responses.Add(await limited.GetAsync(Areas));
            }

            clock.Stop();
            // A burst of 2, refilled at 2 a second: the first two pass, and no more pass than the refills since allow (a busy
            // machine can take over half a second for the six calls, and then one more passes).
            var statuses = responses.Select(r => (int)r.StatusCode).ToArray();
            var allowed = 2 + (int)Math.Floor(clock.Elapsed.TotalSeconds * 2);
            var message = $"Got {string.Join(", ", statuses)} in {clock.ElapsedMilliseconds} ms.";
            Assert.True(statuses[0] == 200 && statuses[1] == 200 && statuses[2] == 429, message);
            Assert.True(statuses.Count(x => x == 200) <= allowed && statuses.All(x => x is 200 or 429), message);
            foreach (var rejected in responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests))
            {
                var retryAfter = Assert.Single(rejected.Headers.GetValues("Retry-After"));
                Assert.True(int.TryParse(retryAfter, out var seconds) && seconds >= 1, $"Retry-After was '{retryAfter}'.");
                var problem = await Problem.ReadAsync(rejected);
                Assert.Equal(429, problem.GetProperty("status").GetInt32());
                Assert.Equal("https://engagement.example/problems/too-many-requests", problem.Text("type"));
            }
        }
        finally
        {
            responses.ForEach(r => r.Dispose());
        }

        using var other = _stack.Client(TestTokens.Create("neighbourhood", sub: "another-officer"));
        using (var response = await other.GetAsync(Areas))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The bucket refills: the limited client gets through again after waiting.
        await TestInfrastructure.EventuallyAsync(
            async () =>
            {
                using var response = await limited.GetAsync(Areas);
                return response.StatusCode;
            },
            status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10),
            "the limited client's bucket to refill");
    }
}
