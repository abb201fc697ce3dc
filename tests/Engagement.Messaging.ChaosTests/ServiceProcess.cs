using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Engagement.Testing;

namespace Engagement.Messaging.ChaosTests;

/// <summary>
/// The messaging service as a real operating-system process, built by `./engage test`, so that it can be killed with
/// SIGKILL: no shutdown hooks, no flushing, transactions cut off mid-flight.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private Process? _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    public ServiceProcess(IReadOnlyDictionary<string, string> settings)
    {
        Port = FreePort();
        _environment = new Dictionary<string, string>(settings)
        {
            // The services' appsettings set Urls, which outranks ASPNETCORE_URLS; an environment variable outranks both.
            ["Urls"] = $"http://127.0.0.1:{Port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Auth__SigningKey"] = TestTokens.KeyBase64,
            ["Seeds__Areas"] = Path.Combine(RepoRoot, "seeds", "areas.json"),
        };
    }

    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Engagement.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Engagement.sln not found above the test assembly.");
        }
    }

    /// <summary>The service built in the same configuration as these tests (Release under `./engage test`).</summary>
    private static string Dll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(RepoRoot, "services", "Messaging", "bin", configuration, "net10.0", "Engagement.Messaging.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first ({configuration}); {dll} is missing.");
    }

    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>Starts the process and returns once it is ready (PostgreSQL and RabbitMQ reachable, queues bound).</summary>
    public async Task StartAsync()
    {
        await LaunchAsync();
        await WaitForAsync("/health/ready", TimeSpan.FromSeconds(90), "the messaging process to become ready");
    }

    /// <summary>Starts the process and returns once it answers at all (<c>/health/live</c>), ready or not.</summary>
    public async Task LaunchAsync()
    {
        var dll = Dll();
        var info = new ProcessStartInfo("dotnet", [dll]) { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in _environment)
        {
            info.Environment[k] = v;
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitForAsync("/health/live", TimeSpan.FromSeconds(90), "the messaging process to answer");
    }

    /// <summary>The status of a health endpoint now, or null while nothing answers.</summary>
    public async Task<HttpStatusCode?> HealthAsync(string path)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return (await client.GetAsync(path)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    public string Output => string.Join('\n', _output);

    public async Task WaitForAsync(string path, TimeSpan timeout, string what)
    {
        await TestInfrastructure.EventuallyAsync(async () =>
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process!.ExitCode}:\n{Output}");
            }

            return await HealthAsync(path) == HttpStatusCode.OK;
        }, ok => ok, timeout, what);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit(10_000);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            Kill();
        }

        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
