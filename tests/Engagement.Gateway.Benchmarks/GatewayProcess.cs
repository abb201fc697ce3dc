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
    public static async Task<Setup> DiscoverAsync(string? direct, string path, int? servicePid)
    {
        var root = Repository.Root;
        var service = new Uri(direct ?? Environment.GetEnvironmentVariable("ENGAGE_BENCH_SURGERIES") ?? "http://127.0.0.1:8101");
        var keyFile = Environment.GetEnvironmentVariable("ENGAGE_SIGNING_KEY_FILE") ?? Path.Combine(root, ".engage", "signing-key");
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

/// <summary>A gateway in its own process, as under ./engage up, in front of the one service measured.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private GatewayProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public Process Process => _process;

    public static async Task<GatewayProcess> StartAsync(Setup setup, Variant variant)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(variant);
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(setup.GatewayDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(setup.GatewayDll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Urls"] = address.ToString().TrimEnd('/');
        start.Environment["Services__Surgeries"] = setup.Direct.ToString().TrimEnd('/');
        start.Environment["Auth__SigningKeyFile"] = setup.SigningKeyFile;
        start.Environment["Gateway__RateLimit__PermitsPerSecond"] = "100000000";
        start.Environment["Gateway__RateLimit__Burst"] = "100000000";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (k, v) in variant.Settings)
        {
            start.Environment[k] = v;
        }

        var process = Process.Start(start) ?? throw new SetupException("dotnet did not start.");
        // Read and drop what it writes, so a full pipe never blocks it.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var gateway = new GatewayProcess(process, address);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new SetupException($"The gateway ({variant.Name}) exited with {process.ExitCode} while starting.");
            }

            try
            {
                using var ready = await probe.GetAsync(new Uri(address, "/health/live"));
                if (ready.IsSuccessStatusCode)
                {
                    return gateway;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                await gateway.DisposeAsync();
                throw new SetupException($"The gateway ({variant.Name}) did not answer /health/live within 60 s.");
            }

            await Task.Delay(200);
        }
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
