using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.Messaging.Tests;

/// <summary>
/// A local stand-in for an SMS provider's HTTP API (POST /messages {to, body} -> 202 {id}). It can be told to fail or
/// to hang on purpose, to exercise the adapter's retries, timeouts and failure recording.
/// </summary>
public sealed class FakeSmsProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failNext;
    private int _hangNext;

    private FakeSmsProvider(WebApplication app) => _app = app;

    public ConcurrentBag<(string To, string Body)> Sent { get; } = [];
    public int Calls => _calls;
    private int _calls;
    public Uri BaseAddress { get; private set; } = null!;

    public void FailNext(int n) => Interlocked.Exchange(ref _failNext, n);
    public void HangNext(int n) => Interlocked.Exchange(ref _hangNext, n);

    public static async Task<FakeSmsProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var provider = new FakeSmsProvider(app);
        app.MapPost("/messages", async (HttpContext http) =>
        {
            Interlocked.Increment(ref provider._calls);
            if (Interlocked.Decrement(ref provider._hangNext) >= 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), http.RequestAborted);
            }

            if (Interlocked.Decrement(ref provider._failNext) >= 0)
            {
                return Results.StatusCode((int)HttpStatusCode.ServiceUnavailable);
            }

            var body = await http.Request.ReadFromJsonAsync<JsonObject>();
            provider.Sent.Add((body!["to"]!.GetValue<string>(), body["body"]!.GetValue<string>()));
            return Results.Json(new { id = Guid.NewGuid() }, statusCode: 202);
        });
        await app.StartAsync();
        provider.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
