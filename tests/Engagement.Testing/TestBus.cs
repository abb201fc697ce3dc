using System.Diagnostics;
using Engagement.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engagement.Testing;

/// <summary>
/// A host on the test class's RabbitMQ virtual host, wired as a service wires its bus (AddMessaging), with the test's
/// own consumers and services. It returns once the bus has started and its queues are bound, so nothing published
/// afterwards can miss it.
/// </summary>
public static class TestBus
{
    /// <param name="broker">Other RabbitMq settings (a private node's port and user), for tests that bring their own broker.</param>
    public static async Task<IHost> StartAsync(string virtualHost, Action<IBusRegistrationConfigurator> consumers, Action<IServiceCollection>? services = null,
        IReadOnlyDictionary<string, string?>? broker = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(broker ?? new Dictionary<string, string?>()) { ["RabbitMq:VirtualHost"] = virtualHost });
        builder.Services.AddSingleton(new ActivitySource("engage-tests"));
        builder.AddMessaging(consumers);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        await WaitUntilReadyAsync(host.Services.GetRequiredService<IBusControl>());
        return host;
    }

    /// <summary>Stops and disposes a host <see cref="StartAsync"/> gave (nothing if it never started).</summary>
    public static async Task StopAsync(IHost? host)
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    /// <summary>Hosts start without waiting for the broker; tests wait until the bus's queues are bound.</summary>
    public static async Task WaitUntilReadyAsync(IBusControl bus)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await bus.WaitUntilReadyAsync(timeout.Token);
    }
}
