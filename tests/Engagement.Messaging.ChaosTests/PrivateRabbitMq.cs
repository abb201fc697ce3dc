using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Engagement.Messaging.ChaosTests;

/// <summary>
/// A RabbitMQ node of the test's own (Debian's rabbitmq-server, run from /usr/lib/rabbitmq/bin as the current user):
/// its own node name, AMQP and distribution ports, data, logs and Erlang cookie under /tmp, and no plugins, so that it
/// can be stopped and started without touching the shared broker other tests use. Its data survives a stop, so queues
/// and bindings declared before a stop are there again after the next start.
/// </summary>
public sealed class PrivateRabbitMq : IAsyncDisposable
{
    private const string Bin = "/usr/lib/rabbitmq/bin";
    private readonly string _base = Path.Combine(Path.GetTempPath(), "engage-chaos-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private readonly int _distPort = FreePort();
    private Process? _process;

    public PrivateRabbitMq()
    {
        Node = $"engage-chaos-{Path.GetFileName(_base)[13..]}@localhost";
        Directory.CreateDirectory(Path.Combine(_base, "home"));
        File.WriteAllText(Path.Combine(_base, "enabled_plugins"), "[].");
    }

    public string Node { get; }
    public int Port { get; } = FreePort();

    /// <summary>The RabbitMq settings a service or test bus needs to use this node (guest may connect from loopback).</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RabbitMq:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq:Username"] = "guest",
        ["RabbitMq:Password"] = "guest",
    };

    private ProcessStartInfo Command(string file, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(Bin, file), args) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["HOME"] = Path.Combine(_base, "home");
        info.Environment["RABBITMQ_NODENAME"] = Node;
        info.Environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        info.Environment["RABBITMQ_NODE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["RABBITMQ_DIST_PORT"] = _distPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_base, "mnesia");
        info.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(_base, "log");
        info.Environment["RABBITMQ_LOGS"] = "-";
        info.Environment["RABBITMQ_PID_FILE"] = Path.Combine(_base, "pid");
        info.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_base, "enabled_plugins");
        // No rabbitmq.conf or advanced.config of the shared node's.
        info.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_base, "rabbitmq");
        info.Environment["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_base, "advanced.config");
        return info;
    }

    public async Task StartAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(Command("rabbitmq-server")) ?? throw new InvalidOperationException("rabbitmq-server did not start");
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            _output.Enqueue(line);
            if (line.Contains("Server startup complete", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        }

        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync();
        if (await Task.WhenAny(started.Task, exited, Task.Delay(TimeSpan.FromSeconds(120))) != started.Task)
        {
            throw new InvalidOperationException($"The private RabbitMQ node {Node} did not start:\n{string.Join('\n', _output)}");
        }
    }

    /// <summary>A clean stop of this node only (rabbitmqctl -n with its own cookie), waiting until the process has gone.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using (var stop = Process.Start(Command("rabbitmqctl", "-n", Node, "stop"))!)
        {
            await stop.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
        _process = null;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_base, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
