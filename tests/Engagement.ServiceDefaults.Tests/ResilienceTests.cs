using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace Engagement.ServiceDefaults.Tests;

/// <summary>
/// A real local endpoint that answers 503 to the first <c>fail</c> calls of each key, then 200 (or, on <c>/slow</c>, takes
/// <c>ms</c> milliseconds over the first call); it counts every call.
/// </summary>
public sealed class FlakyServer : IAsyncLifetime
{
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public Uri BaseAddress { get; private set; } = null!;

    private WebApplication? _app;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.Map("/flaky/{key}", (string key, int fail) =>
            Calls.AddOrUpdate(key, 1, (_, n) => n + 1) <= fail ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Ok("ok"));
        _app.Map("/slow/{key}", async (string key, int ms, CancellationToken ct) =>
        {
            if (Calls.AddOrUpdate(key, 1, (_, n) => n + 1) == 1)
            {
                await Task.Delay(ms, ct);
            }

            return Results.Ok("ok");
        });
        _app.Map("/bad/{key}", (string key) =>
        {
            Calls.AddOrUpdate(key, 1, (_, n) => n + 1);
            return Results.BadRequest();
        });
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public int CallsTo(string key) => Calls.TryGetValue(key, out var n) ? n : 0;
}

/// <summary>
/// The outgoing-HTTP resilience pipeline as services configure it: transient failures of safe calls are retried, unsafe
/// methods are sent once, a slow attempt is cut off, and a run of failures opens the circuit.
/// </summary>
public sealed class ResilienceTests(FlakyServer server) : IClassFixture<FlakyServer>, IDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    private HttpClient Client(int retries = 3, TimeSpan? perTry = null)
    {
        var services = new ServiceCollection();
        services.AddResilientHttpClient("flaky", TimeSpan.FromSeconds(20), perTry ?? TimeSpan.FromSeconds(5), retries)
            .ConfigureHttpClient(c => c.BaseAddress = server.BaseAddress);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<IHttpClientFactory>().CreateClient("flaky");
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }
    }

    private static string NewKey() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task a_get_that_gets_a_transient_503_is_retried_until_it_succeeds()
    {
        var key = NewKey();
        using var client = Client();

        using var response = await client.GetAsync(new Uri($"/flaky/{key}?fail=2", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.CallsTo(key));
    }

    [Fact]
    public async Task the_named_client_from_the_extension_retries_too()
    {
        var key = NewKey();
        var services = new ServiceCollection();
        services.AddResilientHttpClient("flaky", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5), retries: 3)
            .ConfigureHttpClient(c => c.BaseAddress = server.BaseAddress);
        await using var provider = services.BuildServiceProvider();
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("flaky");

        using var response = await client.GetAsync(new Uri($"/flaky/{key}?fail=1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.CallsTo(key));
    }

    [Fact]
    public async Task a_post_with_a_body_is_sent_once_and_not_retried()
    {
        var key = NewKey();
        using var client = Client();

        using var response = await client.PostAsync(new Uri($"/flaky/{key}?fail=2", UriKind.Relative), new StringContent("""{"a":1}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, server.CallsTo(key));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task other_unsafe_methods_are_sent_once_too(string method)
    {
        var key = NewKey();
        using var client = Client();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri($"/flaky/{key}?fail=2", UriKind.Relative)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, server.CallsTo(key));
    }

    [Fact]
    public async Task an_attempt_slower_than_the_attempt_timeout_is_cut_off_and_retried()
    {
        var key = NewKey();
        using var client = Client(perTry: TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        using var response = await client.GetAsync(new Uri($"/slow/{key}?ms=10000", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.CallsTo(key));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}: the slow attempt was waited out");
    }

    [Fact]
    public async Task after_ten_failures_at_half_or_more_the_circuit_opens_and_calls_stop_reaching_the_server()
    {
        var key = NewKey();
        using var client = Client();
        // POSTs are not retried, so each call is one attempt the breaker counts.
        for (var i = 0; i < 10; i++)
        {
            using var failed = await client.PostAsync(new Uri($"/flaky/{key}?fail=100", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync(new Uri($"/flaky/{key}?fail=0", UriKind.Relative)));
        Assert.Equal(10, server.CallsTo(key));
    }

    [Fact]
    public async Task retries_stop_after_the_configured_number_and_the_last_failure_is_returned()
    {
        var key = NewKey();
        using var client = Client(retries: 2);

        using var response = await client.GetAsync(new Uri($"/flaky/{key}?fail=100", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, server.CallsTo(key));
    }

    [Fact]
    public async Task a_client_error_is_not_retried()
    {
        var key = NewKey();
        using var client = Client();

        using var response = await client.GetAsync(new Uri($"/bad/{key}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, server.CallsTo(key));
    }
}
