using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Engagement.Testing;
using Microsoft.AspNetCore.Builder;

namespace Engagement.ServiceDefaults.Tests;

/// <summary>
/// A TCP forwarder to the shared PostgreSQL that the test can cut and restore, so one host loses its database without
/// anyone else's being disturbed. Closing stops accepting and drops every live connection, as a database going away would.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _live = new();
    private readonly ConcurrentDictionary<Task, byte> _pipes = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _accepting;

    public TcpForwarder(IPEndPoint target) => _target = target;

    public int Port { get; private set; }

    public bool IsOpen => _listener is not null;

    /// <summary>Listens on a free port the first time, and on the same port after a close.</summary>
    public void Open()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _stop = new CancellationTokenSource();
        _accepting = AcceptAsync(listener, _stop.Token);
    }

    public async Task CloseAsync()
    {
        if (_listener is null)
        {
            return;
        }

        await _stop!.CancelAsync();
        _listener.Stop();
        foreach (var socket in _live.Keys)
        {
            socket.Close();
        }

        await _accepting!;
        await Task.WhenAll(_pipes.Keys);
        _stop.Dispose();
        _listener = null;
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket inbound;
            try
            {
                inbound = await listener.AcceptSocketAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var pipe = PipeAsync(inbound, ct);
            _pipes.TryAdd(pipe, 0);
            _ = pipe.ContinueWith(t => _pipes.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task PipeAsync(Socket inbound, CancellationToken ct)
    {
        using var outbound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _live.TryAdd(inbound, 0);
        _live.TryAdd(outbound, 0);
        try
        {
            await outbound.ConnectAsync(_target, ct);
            await using var a = new NetworkStream(inbound, ownsSocket: false);
            await using var b = new NetworkStream(outbound, ownsSocket: false);
            await Task.WhenAny(a.CopyToAsync(b, ct), b.CopyToAsync(a, ct));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // The forwarder was closed or one side hung up; either way this connection is over.
        }
        finally
        {
            _live.TryRemove(inbound, out _);
            _live.TryRemove(outbound, out _);
            inbound.Close();
            outbound.Close();
        }
    }
}

/// <summary><c>/health/ready</c> follows the database: red while it is unreachable, green again when it is back.</summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    private readonly string _database = TestInfrastructure.UniqueName("ready");
    private readonly TcpForwarder _forwarder = new(new IPEndPoint(IPAddress.Parse(TestInfrastructure.PostgresHost), TestInfrastructure.PostgresPort));
    private TestApp? _app;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.CreateDatabaseAsync(_database);
        _forwarder.Open();
        _app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:EventStore"] = TestInfrastructure.ConnectionString(_database, _forwarder.Port) },
            builder =>
            {
                builder.AddServiceDefaults("test-ready");
                builder.AddMartenEventStore("ready");
            },
            app => app.UseServiceDefaults());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _forwarder.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task ready_is_red_while_postgres_is_unreachable_and_green_when_it_returns()
    {
        using var client = _app!.Client();
        var ready = new Uri("/health/ready", UriKind.Relative);
        async Task<(HttpStatusCode Status, string Body)> Probe()
        {
            using var response = await client.GetAsync(ready);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var before = await Probe();
        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Contains("\"postgres\"", before.Body, StringComparison.Ordinal);

        await _forwarder.CloseAsync();
        var down = await TestInfrastructure.EventuallyAsync(Probe, r => r.Status != HttpStatusCode.OK, TimeSpan.FromSeconds(15), "ready to go red");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Contains("Unhealthy", down.Body, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL is unreachable", down.Body, StringComparison.Ordinal);

        // Liveness is about the process, not its dependencies.
        using (var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        _forwarder.Open();
        var up = await TestInfrastructure.EventuallyAsync(Probe, r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "ready to go green");
        Assert.Contains("Healthy", up.Body, StringComparison.Ordinal);
    }
}
