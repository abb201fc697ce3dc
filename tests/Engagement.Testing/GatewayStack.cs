using Engagement.Gateway;
using Engagement.Messaging;
using Engagement.Plans;
using Engagement.Profiles;
using Engagement.Surgeries;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.Testing;

/// <summary>
/// The gateway in front of the real services, each on Kestrel with its own database, all sharing one RabbitMQ virtual
/// host. A stopped service's port refuses connections, as a crashed process's would. Shared by the gateway's tests and
/// the web console's (which put the console behind the gateway's catch-all, <c>Gateway:Web</c>).
/// </summary>
public sealed class GatewayStack : IAsyncDisposable
{
    public static readonly string[] AllServices = ["surgeries", "messaging", "profiles", "plans"];

    private readonly Dictionary<string, IAsyncDisposable> _services = new(StringComparer.Ordinal);
    private readonly List<string> _databases = [];
    private readonly Dictionary<string, Uri> _addresses = new(StringComparer.Ordinal);
    private ServiceHost<GatewayApp>? _gateway;

    private GatewayStack(string virtualHost) => VirtualHost = virtualHost;

    public string VirtualHost { get; }

    public ServiceHost<GatewayApp> Gateway => _gateway ?? throw new InvalidOperationException("The gateway is not started.");

    /// <summary>Starts <paramref name="services"/> (all four by default) and the gateway in front of them.</summary>
    /// <param name="replacements">Per service, registrations applied after its own (a test clock, say).</param>
    /// <param name="serviceSettings">Per service, settings over its own (a lower approval threshold, say).</param>
    public static async Task<GatewayStack> StartAsync(string prefix, IReadOnlyDictionary<string, string?>? gatewaySettings = null, IReadOnlyList<string>? services = null,
        IReadOnlyDictionary<string, Action<IServiceCollection>>? replacements = null,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>>? serviceSettings = null)
    {
        var stack = new GatewayStack(TestInfrastructure.UniqueName(prefix));
        try
        {
            await TestInfrastructure.CreateVirtualHostAsync(stack.VirtualHost);
            var names = services ?? AllServices;
            var addresses = new Dictionary<string, Uri>(StringComparer.Ordinal);
            await Task.WhenAll(names.Select(async name =>
            {
                var database = TestInfrastructure.UniqueName(prefix + "_" + name[..3]);
                lock (stack._services)
                {
                    stack._databases.Add(database);
                }

                var settings = new Dictionary<string, string?>
                {
                    ["ConnectionStrings:EventStore"] = await TestInfrastructure.CreateDatabaseAsync(database),
                    ["RabbitMq:VirtualHost"] = stack.VirtualHost,
                    ["Seeds:Areas"] = SeedFile,
                };
                foreach (var (k, v) in serviceSettings?.GetValueOrDefault(name) ?? new Dictionary<string, string?>())
                {
                    settings[k] = v;
                }

                var (address, host) = await Task.Run(() => StartService(name, settings, replacements?.GetValueOrDefault(name)));
                lock (stack._services)
                {
                    stack._services[name] = host;
                    addresses[name] = address;
                    stack._addresses[name] = address;
                }
            }));

            var gateway = new Dictionary<string, string?>
            {
                ["Seeds:Areas"] = SeedFile,
                ["Gateway:ConnectTimeoutSeconds"] = "3",
                // No console behind this gateway unless the test puts one there.
                ["Gateway:Web"] = "",
            };
            foreach (var service in AllServices)
            {
                // A service not started in this stack points at a port nothing listens on (the discard port).
                gateway[ServiceKey(service)] = addresses.TryGetValue(service, out var address)
                    ? address.ToString().TrimEnd('/')
                    : "http://127.0.0.1:9";
            }

            foreach (var (k, v) in gatewaySettings ?? new Dictionary<string, string?>())
            {
                gateway[k] = v;
            }

            stack._gateway = new ServiceHost<GatewayApp>(gateway).Start();
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private static string ServiceKey(string service) => $"Services:{char.ToUpperInvariant(service[0])}{service[1..]}";

    public HttpClient Client(string? token = null) => Gateway.Client(token);

    /// <summary>A service's own address, behind the gateway.</summary>
    public Uri ServiceAddress(string name) => _addresses[name];

    /// <summary>Stops a service for real: its host shuts down and its port refuses connections.</summary>
    public async Task StopServiceAsync(string name)
    {
        if (_services.Remove(name, out var host))
        {
            await host.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        foreach (var host in _services.Values)
        {
            await host.DisposeAsync();
        }

        _services.Clear();
        foreach (var database in _databases)
        {
            await TestInfrastructure.DropDatabaseAsync(database);
        }

        await TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);
    }

    /// <summary>The repository's <c>seeds/areas.json</c>, found upwards from the test's bin folder.</summary>
    public static string SeedFile { get; } = FindSeedFile();

    private static string FindSeedFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "seeds", "areas.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("seeds/areas.json was not found above the test's bin folder.");
    }

    private static (Uri BaseAddress, IAsyncDisposable Host) StartService(string name, Dictionary<string, string?> settings, Action<IServiceCollection>? replace) => name switch
    {
        "surgeries" => Start(new ServiceHost<SurgeriesApp>(settings, replace)),
        "messaging" => Start(new ServiceHost<MessagingApp>(settings, replace)),
        "profiles" => Start(new ServiceHost<ProfilesApp>(settings, replace)),
        "plans" => Start(new ServiceHost<PlansApp>(settings, replace)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a service."),
    };

    private static (Uri BaseAddress, IAsyncDisposable Host) Start<T>(ServiceHost<T> host) where T : class
    {
        try
        {
            host.Start();
            return (host.BaseAddress, host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
