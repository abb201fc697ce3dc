using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Engagement.EventStore;

/// <summary>
/// Feeds every subscription (async projections, the relay) from its own checkpoint. Only one runner per store is active
/// across all instances of a service: it holds a session-level advisory lock on a dedicated connection. When that
/// process dies its connection closes, PostgreSQL releases the lock, and a standby takes over at its next try.
/// </summary>
public sealed partial class SubscriptionRunner(EventStore store, IEnumerable<ISubscription> subscriptions, ILogger<SubscriptionRunner> logger)
    : BackgroundService
{
    private readonly ISubscription[] _subscriptions = subscriptions.ToArray();
    private volatile bool _active;

    public bool IsActive => _active;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_subscriptions.Length == 0)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var lockConn = await store.LockDataSource.OpenConnectionAsync(stoppingToken);
                if (!await TryLockAsync(lockConn, stoppingToken))
                {
                    await Task.Delay(store.Options.StandbyInterval, stoppingToken);
                    continue;
                }

                _active = true;
                LogActive(logger, store.Schema);
                await RunWhileLockedAsync(lockConn, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogLost(logger, e);
                await Task.Delay(store.Options.StandbyInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            finally
            {
                _active = false;
            }
        }
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select pg_try_advisory_lock(hashtext('engage-runner:' || @s))", conn);
        cmd.Parameters.AddWithValue("s", store.Schema);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task RunWhileLockedAsync(NpgsqlConnection lockConn, CancellationToken ct)
    {
        var positions = new Dictionary<string, Position>(StringComparer.Ordinal);
        var backoff = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var oneAtATime = new HashSet<string>(StringComparer.Ordinal);
        await using var readConn = await store.DataSource.OpenConnectionAsync(ct);
        foreach (var s in _subscriptions)
        {
            positions[s.Name] = await Progression.GetAsync(store, readConn, s.Name, ct);
        }

        var lastLockCheck = DateTimeOffset.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            var progressed = false;
            foreach (var s in _subscriptions)
            {
                if (backoff.TryGetValue(s.Name, out var until) && until > DateTimeOffset.UtcNow)
                {
                    continue;
                }

                IReadOnlyList<StoredEvent> batch;
                try
                {
                    batch = await EventReader.ReadAfterAsync(store, readConn, positions[s.Name], oneAtATime.Contains(s.Name) ? 1 : store.Options.BatchSize, ct);
                }
                catch (Exception e) when ((e is not OperationCanceledException || !ct.IsCancellationRequested) && oneAtATime.Add(s.Name))
                {
                    // An event that cannot be read (an alias nobody registered) fails its whole batch. Read one at a
                    // time from here, so the subscription gets exactly as far as that event and never past it.
                    continue;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    LogFailed(logger, s.Name, e);
                    backoff[s.Name] = DateTimeOffset.UtcNow.AddSeconds(2);
                    await Progression.RecordErrorAsync(store, s.Name, e.GetType().Name + ": " + e.Message, ct);
                    continue;
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                try
                {
                    await s.HandleAsync(store, batch, positions[s.Name], ct);
                    positions[s.Name] = batch[^1].Position;
                    backoff.Remove(s.Name);
                    progressed |= batch.Count > 0;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // A failing subscription is retried from its checkpoint after a pause; it never skips the batch,
                    // and the others keep running. Reading is guarded above for the same reason.
                    LogFailed(logger, s.Name, e);
                    backoff[s.Name] = DateTimeOffset.UtcNow.AddSeconds(2);
                    positions[s.Name] = await Progression.GetAsync(store, readConn, s.Name, ct);
                    await Progression.RecordErrorAsync(store, s.Name, e.GetType().Name + ": " + e.Message, ct);
                }
            }

            if (DateTimeOffset.UtcNow - lastLockCheck > TimeSpan.FromSeconds(2))
            {
                // The lock lives as long as this connection; a failed ping means we may no longer hold it.
                await using var ping = new NpgsqlCommand("select 1", lockConn);
                await ping.ExecuteScalarAsync(ct);
                lastLockCheck = DateTimeOffset.UtcNow;
            }

            if (!progressed)
            {
                await Task.Delay(store.Options.PollInterval, ct);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription runner is active for schema {Schema}")]
    private static partial void LogActive(ILogger logger, string schema);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription runner lost its connection; standing by")]
    private static partial void LogLost(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Subscription {Name} failed; it will retry from its checkpoint")]
    private static partial void LogFailed(ILogger logger, string name, Exception e);
}
