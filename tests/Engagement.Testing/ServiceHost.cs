using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.Testing;

/// <summary>
/// Runs a real service (its own Program) on Kestrel at a free loopback port, with configuration overridden for the
/// test class: its database, its RabbitMQ virtual host, the test signing key. Disposing it stops the service for real,
/// so the port refuses connections afterwards.
/// </summary>
public sealed class ServiceHost<TEntryPoint> : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    private readonly int _port;

    /// <param name="services">Replacements applied after the service's own registrations, such as a test clock.</param>
    /// <param name="port">The loopback port, when another host must know it before this one starts; a free one by default.</param>
    public ServiceHost(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null, int port = 0)
    {
        _services = services;
        _port = port;
        _settings = new Dictionary<string, string?>(settings)
        {
            // The test's key unless the test says otherwise (an empty key: a host with no local key at all).
            ["Auth:SigningKey"] = settings.TryGetValue("Auth:SigningKey", out var key) ? key : TestTokens.KeyBase64,
            ["EventStore:PollIntervalMs"] = settings.TryGetValue("EventStore:PollIntervalMs", out var p) ? p : "50",
        };
        UseKestrel(port);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public ServiceHost<TEntryPoint> Start()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        // The service starts without waiting for the broker; a test starts once its queues are bound, as before.
        if (Services.GetService<MassTransit.IBusControl>() is { } bus)
        {
            TestBus.WaitUntilReadyAsync(bus).GetAwaiter().GetResult();
        }

        return this;
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        foreach (var (k, v) in _settings)
        {
            builder.UseSetting(k, v);
        }

        builder.UseSetting("Urls", $"http://127.0.0.1:{_port}");
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }
}
