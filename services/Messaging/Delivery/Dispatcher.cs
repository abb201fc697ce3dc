using System.Threading.Channels;
using Engagement.MartenAdditions;
using Engagement.Messaging.Alerts;
using Engagement.ServiceDefaults;
using Marten;
using MassTransit;
using Npgsql;

namespace Engagement.Messaging.Delivery;

/// <summary>Alert content never changes once requested, so consumers and workers read it once per process.</summary>
public sealed class AlertContentCache(IDocumentStore store)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Alert> _alerts = new();

    public async Task<Alert> GetAsync(Guid id, CancellationToken ct)
    {
        if (_alerts.TryGetValue(id, out var cached))
        {
            return cached;
        }

        await using var session = store.QuerySession();
        var doc = await session.LoadAsync<AlertDocument>(Alert.StreamId(id), ct);
        return doc is { State.Exists: true } ? _alerts.GetOrAdd(id, doc.State) : throw new InvalidOperationException($"Alert {id} does not exist.");
    }
}

/// <summary>
/// Starts alerts going out. Cutting an alert into recipient batches happens once, in the transaction that records
/// AlertDispatched; the batches are then published to RabbitMQ. A sweep catches what a crash left behind: approved
/// alerts not yet cut, batches committed but never published, and alerts whose last work finished without completing.
/// </summary>
public sealed partial class Dispatcher(IDocumentStore store, EventStoreSettings settings, IBusControl bus, IConfiguration configuration, ILogger<Dispatcher> logger)
    : BackgroundService
{
    private readonly Channel<Guid> _wake = System.Threading.Channels.Channel.CreateUnbounded<Guid>();

    public int BatchSize => configuration.GetValue("Messaging:BatchSize", 2000);

    public void Wake(Guid alertId) => _wake.Writer.TryWrite(alertId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweepEvery = TimeSpan.FromSeconds(configuration.GetValue("Messaging:SweepSeconds", 2.0));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(sweepEvery);
                try
                {
                    var id = await _wake.Reader.ReadAsync(timeout.Token);
                    await DispatchAsync(id, stoppingToken);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    await SweepAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Cuts an approved alert into batches (once) and publishes them.</summary>
    public async Task DispatchAsync(Guid alertId, CancellationToken ct)
    {
        try
        {
            await AlertEvents.HandleAsync(store, alertId, "dispatcher",
                alert => alert.Status == AlertStatus.Sending && !alert.Dispatched
                    ? [new AlertDispatched(alertId, alert.Audience, alert.Type, alert.Priority, alert.Targeted, (int)Math.Ceiling(alert.Targeted / (double)BatchSize))]
                    : [],
                async (session, alert, t) => await CutAsync(await session.ConnectionInTransactionAsync(t), alert, t), ct);
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "alert_progress" })
        {
            // Another dispatcher cut it first: its batches are the alert's, and are published below.
        }

        await PublishPendingAsync(alertId, TimeSpan.Zero, ct);
    }

    /// <summary>
    /// Recipients are numbered in the order they are read, not sorted: a batch needs no particular members, and sorting
    /// 100,000 ids (twice, over <c>work_mem</c>, so on disk) made the cut take 1.07 s instead of 0.32 s.
    /// </summary>
    private async Task CutAsync(NpgsqlConnection conn, Alert alert, CancellationToken ct)
    {
        var s = settings.Schema;
        await using var cmd = new NpgsqlCommand(
            $"""
            insert into {s}.alert_progress (alert_id, targeted, batches_total) values (@a, 0, 0);
            insert into {s}.alert_batches (alert_id, batch_no, recipients)
            select @a, (rn - 1) / @size, array_agg(id)
            from (select id, row_number() over () as rn from (
                    select s.subscriber_id as id from {s}.subscribers s where @residents and {AudienceQuery.ResidentFilter}
                    union all
                    select 'kin:' || k.member_id from {s}.kin_members k where @kin and {AudienceQuery.KinFilter}) x) y
            group by (rn - 1) / @size;
            update {s}.alert_progress set
                targeted = (select coalesce(sum(cardinality(recipients)), 0) from {s}.alert_batches where alert_id = @a),
                batches_total = (select count(*) from {s}.alert_batches where alert_id = @a)
            where alert_id = @a;
            """, conn);
        cmd.Parameters.AddWithValue("a", alert.Id);
        cmd.Parameters.AddWithValue("size", BatchSize);
        AudienceQuery.Bind(cmd, alert.Audience);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Publishes the alert's batches not yet queued (older than <paramref name="olderThan"/>), then marks them queued.</summary>
    private async Task PublishPendingAsync(Guid? alertId, TimeSpan olderThan, CancellationToken ct)
    {
        var pending = new List<(Guid Alert, int Batch)>();
        await using (var conn = await settings.DataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand(
            $"""
            select b.alert_id, b.batch_no from {settings.Schema}.alert_batches b join {settings.Schema}.alert_progress p using (alert_id)
            where b.status = 'pending' and (@a::uuid is null or b.alert_id = @a) and p.started <= now() - @older
            order by b.alert_id, b.batch_no limit 5000
            """, conn))
        {
            cmd.Parameters.AddWithValue("a", (object?)alertId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("older", olderThan);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                pending.Add((r.GetGuid(0), r.GetInt32(1)));
            }
        }

        if (pending.Count > 0)
        {
            await bus.WaitUntilReadyAsync(ct);
        }

        foreach (var chunk in pending.Chunk(200))
        {
            // Publisher confirms: each publish completes once the broker holds the message durably.
            await Task.WhenAll(chunk.Select(p => bus.Publish(new DeliverAlertBatch(p.Alert, p.Batch), ct)));
            await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
            await using var mark = new NpgsqlCommand(
                // A consumer can finish a batch before this mark: it stays done, and still records when it was published.
                $"""
                update {settings.Schema}.alert_batches b
                set status = case when b.status = 'pending' then 'queued' else b.status end, queued = coalesce(b.queued, now())
                from unnest(@alerts, @batches) as x(a, n) where b.alert_id = x.a and b.batch_no = x.n
                """,
                conn);
            mark.Parameters.AddWithValue("alerts", chunk.Select(c => c.Alert).ToArray());
            mark.Parameters.AddWithValue("batches", chunk.Select(c => c.Batch).ToArray());
            await mark.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        var toDispatch = new List<Guid>();
        var toFinish = new List<Guid>();
        await using (var conn = await settings.DataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand(
            $"""
            select (a.data->'state'->>'id')::uuid from {settings.Schema}.mt_doc_alert a
            where a.data->'state'->>'status' = 'Sending' and not (a.data->'state'->>'dispatched')::boolean and a.mt_last_modified > now() - interval '7 days';
            select p.alert_id from {settings.Schema}.alert_progress p
            where p.completed is null and p.started < now() - interval '2 seconds'
              and not exists (select 1 from {settings.Schema}.alert_batches b where b.alert_id = p.alert_id and b.status in ('pending', 'queued'))
              and not exists (select 1 from {settings.Schema}.deliveries d where d.alert_id = p.alert_id and d.status in ('pending', 'sending'));
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                toDispatch.Add(r.GetGuid(0));
            }

            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
            {
                toFinish.Add(r.GetGuid(0));
            }
        }

        foreach (var id in toDispatch)
        {
            await DispatchAsync(id, ct);
        }

        await PublishPendingAsync(null, TimeSpan.FromSeconds(10), ct);
        foreach (var id in toFinish)
        {
            await TryFinishAsync(id, ct);
        }
    }

    /// <summary>
    /// Completes an alert once every batch is done (or cancelled) and no delivery is still pending: records
    /// AlertFinished with the final counts, once, whoever gets there first.
    /// </summary>
    public async Task TryFinishAsync(Guid alertId, CancellationToken ct)
    {
        AlertDocument doc;
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<AlertDocument>(Alert.StreamId(alertId), ct) is not { State.Exists: true } found || found.State.Status == AlertStatus.Completed)
            {
                return;
            }

            doc = found;
        }

        var counts = await SendAlert.StatusAsync(settings, doc, ct);
        try
        {
            await AlertEvents.HandleAsync(store, alertId, "dispatcher",
                alert => alert.Status == AlertStatus.Completed
                    ? []
                    : [new AlertFinished(alertId, counts.Targeted, counts.Counts.Delivered.Values.Sum(), counts.Counts.Failed, counts.Counts.Suppressed, counts.Counts.Delivered)],
                async (session, _, t) =>
                {
                    await using var cmd = new NpgsqlCommand(
                        $"""
                        update {settings.Schema}.alert_progress set completed = now()
                        where alert_id = @a and completed is null
                          and not exists (select 1 from {settings.Schema}.alert_batches b where b.alert_id = @a and b.status in ('pending', 'queued'))
                          and not exists (select 1 from {settings.Schema}.deliveries d where d.alert_id = @a and d.status in ('pending', 'sending'))
                        """, await session.ConnectionInTransactionAsync(t));
                    cmd.Parameters.AddWithValue("a", alertId);
                    if (await cmd.ExecuteNonQueryAsync(t) == 0)
                    {
                        throw new NotFinishedException();
                    }
                }, ct);
        }
        catch (NotFinishedException)
        {
            // Not yet finished, or another worker finished it first (the update found it completed).
        }
    }

    private sealed class NotFinishedException : Exception;

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert dispatcher failed; it will try again")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
