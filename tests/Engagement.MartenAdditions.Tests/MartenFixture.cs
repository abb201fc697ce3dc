using System.Collections.Concurrent;
using Engagement.Testing;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Engagement.MartenAdditions.Tests;

/// <summary>
/// A database of its own (for each test: hosts on one database share one daemon), and hosts on it configured exactly as a service is (through
/// <see cref="Setup.AddEngagementMarten"/>): the inline snapshot, an async projection and the relay on the HotCold daemon.
/// </summary>
public sealed class MartenFixture : IAsyncLifetime
{
    public const string Schema = "things";
    private readonly List<IHost> _hosts = [];

    public string Database { get; } = TestInfrastructure.UniqueName("mt");

    public async Task InitializeAsync()
    {
        await TestInfrastructure.CreateDatabaseAsync(Database);
        await ScalarAsync<int>("create table public.held_gate (n int); select 1");
    }

    public string ConnectionString(string applicationName = "engage-tests") => TestInfrastructure.ConnectionString(Database, applicationName: applicationName);

    /// <summary>
    /// A running host. Its application name marks its connections in pg_stat_activity, which is how a test sees a
    /// session blocked on a lock, or kills a "crashed" instance's sessions.
    /// </summary>
    public async Task<IHost> StartHostAsync(IEventPublisher publisher, string applicationName = "engage-tests", bool daemon = true)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("ENGAGE_TEST_LOG") is not null)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug);
        }
        builder.Services.AddSingleton(publisher);
        builder.Services.AddEngagementMarten(Schema, _ => ConnectionString(applicationName), (o, sp) =>
        {
            o.Events.MapEventType<ThingHappened>("thing_happened");
            o.Events.MapEventType<PersonRegistered>("person_registered");
            o.Schema.For<PersonCard>();
            o.Projections.Add(new DeciderProjection<Tally>(), ProjectionLifecycle.Inline);
            o.Projections.Add(new DeciderProjection<LateTally>(), ProjectionLifecycle.Async);
            o.Events.Subscribe(new Relay(TestEvents.Map, sp.GetRequiredService<IEventPublisher>()));
            o.Projections.LeadershipPollingTime = 200;
            o.Projections.FastPollingTime = TimeSpan.FromMilliseconds(50);
            o.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(200);
        }, daemon: daemon ? JasperFx.Events.Daemon.DaemonMode.HotCold : JasperFx.Events.Daemon.DaemonMode.Disabled);
        var host = builder.Build();
        await host.StartAsync();
        _hosts.Add(host);
        return host;
    }

    /// <summary>One event in its own session, committed at once.</summary>
    public static async Task AppendAsync(IDocumentStore store, string stream, Guid mark)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.LightweightSession();
        session.Events.Append(stream, new ThingHappened(Guid.Empty, mark));
        await session.SaveChangesAsync();
    }

    public Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) =>
        TestInfrastructure.ScalarAsync<T>(ConnectionString(), sql, parameters);

    /// <summary>Waits until a session of <paramref name="applicationName"/> is waiting on a lock held by another.</summary>
    public Task WaitUntilBlockedAsync(string applicationName) =>
        TestInfrastructure.EventuallyAsync(
            () => ScalarAsync<long>("select count(*) from pg_stat_activity where application_name = @a and wait_event_type = 'Lock'", ("a", applicationName)),
            n => n > 0, TimeSpan.FromSeconds(15), $"{applicationName} to block on a lock");

    /// <summary>What a process crash does to the database: every session of the instance ends at once.</summary>
    public Task<long> KillSessionsAsync(string applicationName) =>
        ScalarAsync<long>("select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity where application_name = @a) t", ("a", applicationName));

    public async Task DisposeAsync()
    {
        foreach (var h in _hosts)
        {
            try
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await h.StopAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or NpgsqlException or ObjectDisposedException or AggregateException)
            {
                // A host a test "crashed" may fail to stop cleanly; its database goes below anyway.
            }

            h.Dispose();
        }

        await TestInfrastructure.DropDatabaseAsync(Database);
    }
}

/// <summary>Stands in for the broker: records what the relay published, in order, and can fail on purpose.</summary>
public sealed class RecordingPublisher : IEventPublisher
{
    private readonly ConcurrentQueue<OutgoingMessage> _published = new();

    public IReadOnlyList<OutgoingMessage> Published => _published.ToArray();

    /// <summary>When set, the next page is published and then the call fails, as if the process died before the checkpoint.</summary>
    public volatile bool FailAfterNextPublish;

    public Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var m in messages)
        {
            _published.Enqueue(m);
        }

        if (FailAfterNextPublish)
        {
            FailAfterNextPublish = false;
            throw new InvalidOperationException("the relay died after publishing, before its checkpoint");
        }

        return Task.CompletedTask;
    }

    public List<Guid> Marks => Published.Select(m => ((ThingAnnounced)m.Message).Mark).ToList();
}

/// <summary>
/// A session whose batch is written and then held inside its transaction: its events have their sequence numbers and
/// its stream row is locked, but nothing has committed. It queues, after its events, a wait on an advisory lock the test
/// holds. Commit releases the lock; RollBack cancels the waiting statement, so the whole transaction rolls back.
/// </summary>
public sealed class HeldSave : IAsyncDisposable
{
    private static int _nextLock = 900_000;
    private readonly NpgsqlConnection _gate;
    private readonly int _lock;
    private readonly MartenFixture _fixture;
    private readonly string _applicationName;

    private HeldSave(MartenFixture fixture, NpgsqlConnection gate, int lockId, string applicationName, Task completion)
    {
        _fixture = fixture;
        _gate = gate;
        _lock = lockId;
        _applicationName = applicationName;
        Completion = completion;
    }

    public Task Completion { get; }

    /// <param name="store">A store whose connections carry <paramref name="applicationName"/> (a host of its own).</param>
    public static async Task<HeldSave> StartAsync(MartenFixture fixture, IDocumentStore store, string applicationName, Action<IDocumentSession> write)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(write);
        var lockId = Interlocked.Increment(ref _nextLock);
        var gate = new NpgsqlConnection(fixture.ConnectionString());
        await gate.OpenAsync();
        await using (var take = new NpgsqlCommand("select pg_advisory_lock(@l)", gate))
        {
            take.Parameters.AddWithValue("l", lockId);
            await take.ExecuteNonQueryAsync();
        }

        var completion = Task.Run(async () =>
        {
            await using var session = store.LightweightSession();
            using var scope = PersonalDataScope.Begin();
            write(session);
            // An insert returns no result set (Marten would read one as its own append's result) and Marten takes one
            // statement per queued command, so the wait is an insert whose row needs the lock first.
            session.QueueSqlCommand($"insert into public.held_gate (n) select {lockId} from (select pg_advisory_xact_lock({lockId})) x");
            await session.SaveChangesAsync();
        });
        var held = new HeldSave(fixture, gate, lockId, applicationName, completion);
        await Task.WhenAny(fixture.WaitUntilBlockedAsync(applicationName), completion);
        if (completion.IsFaulted)
        {
            await completion;
        }

        return held;
    }

    public async Task CommitAsync()
    {
        await using (var release = new NpgsqlCommand("select pg_advisory_unlock(@l)", _gate))
        {
            release.Parameters.AddWithValue("l", _lock);
            await release.ExecuteNonQueryAsync();
        }

        await Completion;
    }

    public async Task RollBackAsync()
    {
        await _fixture.ScalarAsync<long>(
            "select count(*) from (select pg_cancel_backend(pid) from pg_stat_activity where application_name = @a and wait_event_type = 'Lock') t",
            ("a", _applicationName));
        await Assert.ThrowsAnyAsync<Exception>(() => Completion);
    }

    public async ValueTask DisposeAsync() => await _gate.DisposeAsync();
}
