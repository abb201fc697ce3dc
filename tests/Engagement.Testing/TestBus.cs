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
    public static async Task<IHost> StartAsync(string virtualHost, Action<IBusRegistrationConfigurator> consumers, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["RabbitMq:VirtualHost"] = virtualHost });
        builder.Services.AddSingleton(new ActivitySource("engage-tests"));
        builder.AddMessaging(consumers);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
