using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Engagement.Testing;

namespace Engagement.Gateway.Benchmarks;

/// <summary>One configuration of the gateway: the settings that switch its parts off, on top of the raised rate limit.</summary>
public sealed record Variant(string Name, string What, IReadOnlyDictionary<string, string> Settings)
{
    private static readonly Dictionary<string, string> NoLogging = new()
    {
        ["Logging__LogLevel__Default"] = "None",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "None",
        ["Logging__LogLevel__Yarp"] = "None",
    };

    public static readonly IReadOnlyList<Variant> All =
    [
        new("baseline", "the gateway as configured (rate limit raised)", new Dictionary<string, string>()),
        new("no-token-validation", "Gateway:ValidateTokens=false (the service still checks)", new Dictionary<string, string> { ["Gateway__ValidateTokens"] = "false" }),
        new("no-rate-limiter", "Gateway:RateLimit:Enabled=false", new Dictionary<string, string> { ["Gateway__RateLimit__Enabled"] = "false" }),
        new("no-logging", "every log level None", NoLogging),
        new("no-telemetry", "Telemetry:Enabled=false (no tracing or metrics)", new Dictionary<string, string> { ["Telemetry__Enabled"] = "false" }),
        new("workstation-gc", "for comparison: workstation GC instead of server GC (DOTNET_gcServer=0)", new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" }),
        new("no-spin", "for comparison: thread pool workers do not spin before sleeping (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0)",
            new Dictionary<string, string> { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" }),
        new("request-logging", "for comparison: every request logged at Information", new Dictionary<string, string> { ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information" }),
        new("all-off", "token validation, rate limiter, logging and telemetry all off: the bare proxy", new Dictionary<string, string>(NoLogging)
        {
            ["Gateway__ValidateTokens"] = "false",
            ["Gateway__RateLimit__Enabled"] = "false",
            ["Telemetry__Enabled"] = "false",
        }),
    ];
}

public sealed class SetupException(string message) : Exception(message);

/// <summary>Where the service and the built gateway are, and a token signed with the stack's key.</summary>
public sealed record Setup(Uri Direct, string GatewayDll, string SigningKeyFile, string RepoRoot, string Token, Process? Service)
{
    /// <summary>The stack's key (ENGAGE_SIGNING_KEY_FILE, or .engage/signing-key), which the services are started with.</summary>
    public static string StackSigningKeyFile() =>
        Environment.GetEnvironmentVariable("ENGAGE_SIGNING_KEY_FILE") ?? Path.Combine(Repository.Root, ".engage", "signing-key");

    public static async Task<Setup> DiscoverAsync(string? direct, string path, int? servicePid)
    {
        var root = Repository.Root;
        var service = new Uri(direct ?? Environment.GetEnvironmentVariable("ENGAGE_BENCH_SURGERIES") ?? "http://127.0.0.1:8101");
        var keyFile = StackSigningKeyFile();
        var dll = Path.Combine(root, "gateway", "bin", "Release", "net10.0", "Engagement.Gateway.dll");
        if (!File.Exists(dll))
        {
            throw new SetupException($"{dll} does not exist. Build it first: dotnet build -c Release gateway/Engagement.Gateway.csproj");
        }

        if (!File.Exists(keyFile))
        {
            throw new SetupException($"The signing key {keyFile} does not exist. Start the stack with ./engage up first.");
        }

        var key = Convert.FromBase64String((await File.ReadAllTextAsync(keyFile)).Trim());
        var token = TestTokens.Create("neighbourhood", sub: "gateway-bench", areas: ["*"], key: key);
        using var probe = Load.CreateClient(1, token);
        try
        {
            using var response = await probe.GetAsync(new Uri(service, path));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new SetupException($"GET {new Uri(service, path)} answered {(int)response.StatusCode}; is {keyFile} the key the service was started with?");
            }
        }
        catch (HttpRequestException e)
        {
            throw new SetupException($"The service is not answering at {service} ({e.Message}). Start the stack with ./engage up, then run this again.");
        }

        // The service's own process, for its CPU time per request: named, or the one ./engage up recorded.
        var pidFile = Path.Combine(root, ".engage", "pids", "surgeries");
        if (servicePid is null && direct is null && File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var recorded))
        {
            servicePid = recorded;
        }

        Process? process = null;
        try
        {
            process = servicePid is { } pid ? Process.GetProcessById(pid) : null;
        }
        catch (ArgumentException)
        {
            Console.Error.WriteLine($"warning: no process {servicePid}; the service's CPU time is not measured.");
        }

        return new Setup(service, dll, keyFile, root, token, process);
    }
}

/// <summary>A built service or gateway in its own process, as under ./engage up, started on a free port.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public Process Process => _process;

    /// <summary>Starts <paramref name="dll"/> with <paramref name="settings"/> and waits until it answers /health/live.</summary>
    public static async Task<ChildProcess> StartAsync(string dll, string name, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Urls"] = address.ToString().TrimEnd('/');
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (k, v) in settings)
        {
            start.Environment[k] = v;
        }

        var process = Process.Start(start) ?? throw new SetupException("dotnet did not start.");
        // Read and drop what it writes, so a full pipe never blocks it.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var child = new ChildProcess(process, address);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new SetupException($"{name} exited with {process.ExitCode} while starting.");
            }

            try
            {
                using var ready = await probe.GetAsync(new Uri(address, "/health/live"));
                if (ready.IsSuccessStatusCode)
                {
                    return child;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                await child.DisposeAsync();
                throw new SetupException($"{name} did not answer /health/live within 60 s.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A gateway in front of the one service measured, the rate limit raised, with the variant's settings.</summary>
    public static Task<ChildProcess> StartGatewayAsync(Setup setup, Variant variant)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(variant);
        var settings = new Dictionary<string, string>
        {
            ["Services__Surgeries"] = setup.Direct.ToString().TrimEnd('/'),
            ["Auth__SigningKeyFile"] = setup.SigningKeyFile,
            ["Gateway__RateLimit__PermitsPerSecond"] = "100000000",
            ["Gateway__RateLimit__Burst"] = "100000000",
        };
        foreach (var (k, v) in variant.Settings)
        {
            settings[k] = v;
        }

        return StartAsync(setup.GatewayDll, $"The gateway ({variant.Name})", settings);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

/// <summary>
/// The benchmark's own surgeries service (<c>--own-service</c>): the worktree's build, in its own process, on a database
/// and a RabbitMQ virtual host of its own, logging at Warning as the stack's does. Disposing it stops it and drops both.
/// </summary>
public sealed class OwnService : IAsyncDisposable
{
    private readonly string _name;

    private OwnService(string name, ChildProcess process) => (_name, Process) = (name, process);

    public ChildProcess Process { get; }

    public static async Task<OwnService> StartAsync(string signingKeyFile)
    {
        var dll = Path.Combine(Repository.Root, "services", "Surgeries", "bin", "Release", "net10.0", "Engagement.Surgeries.dll");
        if (!File.Exists(dll))
        {
            throw new SetupException($"{dll} does not exist. Build it first: dotnet build -c Release services/Surgeries/Engagement.Surgeries.csproj");
        }

        var name = TestInfrastructure.UniqueName("gwbench");
        var connectionString = await TestInfrastructure.CreateDatabaseAsync(name);
        await TestInfrastructure.CreateVirtualHostAsync(name);
        try
        {
            var process = await ChildProcess.StartAsync(dll, "The surgeries service", new Dictionary<string, string>
            {
                ["ConnectionStrings__EventStore"] = connectionString,
                ["RabbitMq__VirtualHost"] = name,
                ["Auth__SigningKeyFile"] = signingKeyFile,
            });
            return new OwnService(name, process);
        }
        catch
        {
            await TestInfrastructure.DeleteVirtualHostAsync(name);
            await TestInfrastructure.DropDatabaseAsync(name);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await TestInfrastructure.DeleteVirtualHostAsync(_name);
        await TestInfrastructure.DropDatabaseAsync(_name);
    }
}
