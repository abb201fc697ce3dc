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

    /// <param name="services">Replacements applied after the service's own registrations, such as a test clock.</param>
    public ServiceHost(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        _services = services;
        _settings = new Dictionary<string, string?>(settings)
        {
            ["Auth:SigningKey"] = TestTokens.KeyBase64,
            ["EventStore:PollIntervalMs"] = settings.TryGetValue("EventStore:PollIntervalMs", out var p) ? p : "50",
        };
        UseKestrel(0);
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

        builder.UseSetting("Urls", "http://127.0.0.1:0");
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }
}
