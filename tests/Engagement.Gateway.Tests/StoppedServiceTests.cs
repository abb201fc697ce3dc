using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Engagement.Testing;

namespace Engagement.Gateway.Tests;

/// <summary>A service that has stopped: the gateway answers fast with a problem that names it. Its own stack, so no other test loses a service.</summary>
public sealed class StoppedServiceTests : IAsyncLifetime
{
    private GatewayStack _stack = null!;

    public async Task InitializeAsync() => _stack = await GatewayStack.StartAsync("gwdown");

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    [Fact]
    public async Task a_stopped_service_gives_a_fast_problem_that_names_it()
    {
        using var client = _stack.Client(TestTokens.Create("neighbourhood"));
        using (var before = await client.GetAsync(new Uri("/api/profiles/areas", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await _stack.StopServiceAsync("profiles");

        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(new Uri("/api/profiles/areas", UriKind.Relative));
        clock.Stop();

        Assert.True(response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"Got {(int)response.StatusCode}.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"The gateway took {clock.Elapsed} to answer.");
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("profiles", problem.Text("service"));
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("https://engagement.example/problems/", problem.Text("type"), StringComparison.Ordinal);
        Assert.Contains("profiles", problem.Text("title"), StringComparison.Ordinal);

        // The other services are unaffected.
        using var other = await client.GetAsync(new Uri("/api/surgeries/areas", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task the_health_aggregate_names_a_stopped_service()
    {
        using var client = _stack.Client();
        await _stack.StopServiceAsync("plans");

        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        clock.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"The gateway took {clock.Elapsed} to answer.");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Unreachable", body.RootElement.GetProperty("services").GetProperty("plans").GetString());
    }
}
