using System.Net;
using System.Net.Sockets;
using Engagement.Testing;
using Engagement.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.Web.Tests;

/// <summary>
/// The real stack for the console: the four services and the gateway (<see cref="GatewayStack"/>), and the console
/// behind the gateway's catch-all, calling the gateway for everything. The browser only ever talks to the gateway.
/// </summary>
public sealed class WebStack : IAsyncDisposable
{
    private WebStack(GatewayStack services, ServiceHost<WebApp> web)
    {
        Services = services;
        Web = web;
    }

    public GatewayStack Services { get; }

    public ServiceHost<WebApp> Web { get; }

    /// <summary>Where the browser goes: the gateway, which serves the console at <c>/</c>.</summary>
    public Uri Address => Services.Gateway.BaseAddress;

    /// <param name="apiSettings">Settings for the gateway and every service (an identity provider to trust, say).</param>
    /// <param name="webSettings">Settings for the console (its OpenID Connect client, say).</param>
    public static async Task<WebStack> StartAsync(string prefix, IReadOnlyDictionary<string, Action<IServiceCollection>>? replacements = null,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>>? serviceSettings = null,
        IReadOnlyDictionary<string, string?>? apiSettings = null, IReadOnlyDictionary<string, string?>? webSettings = null)
    {
        // The gateway must know the console's address before it starts, and the console the gateway's: the console's
        // port is chosen first.
        var port = FreePort();
        var gateway = new Dictionary<string, string?>(apiSettings ?? new Dictionary<string, string?>()) { ["Gateway:Web"] = $"http://127.0.0.1:{port}" };
        var perService = GatewayStack.AllServices.ToDictionary(s => s, s => (IReadOnlyDictionary<string, string?>)Merge(apiSettings, serviceSettings?.GetValueOrDefault(s)));
        var services = await GatewayStack.StartAsync(prefix, gateway, replacements: replacements, serviceSettings: perService);
        try
        {
            var web = new ServiceHost<WebApp>(Merge(new Dictionary<string, string?>
            {
                ["Web:GatewayUrl"] = services.Gateway.BaseAddress.ToString(),
                ["Seeds:Areas"] = GatewayStack.SeedFile,
            }, webSettings), port: port);
            await Task.Run(() => web.Start());
            return new WebStack(services, web);
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Web.DisposeAsync();
        await Services.DisposeAsync();
    }

    private static Dictionary<string, string?> Merge(IReadOnlyDictionary<string, string?>? first, IReadOnlyDictionary<string, string?>? then)
    {
        var merged = new Dictionary<string, string?>(first ?? new Dictionary<string, string?>());
        foreach (var (k, v) in then ?? new Dictionary<string, string?>())
        {
            merged[k] = v;
        }

        return merged;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
