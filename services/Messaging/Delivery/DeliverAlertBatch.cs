using Engagement.MartenAdditions;
using Engagement.Messaging.Alerts;
using MassTransit;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.Messaging.Delivery;

/// <summary>An internal command: deliver one batch of an alert's recipients. Competing consumers take these.</summary>
public sealed record DeliverAlertBatch(Guid AlertId, int BatchNo);

/// <summary>
/// Delivers one batch. The batch is claimed (marked done) in the same transaction as its inbox messages, delivery rows,
/// fatigue and counters, so a batch redelivered by RabbitMQ after a crash finds itself done and does nothing; a batch
/// whose transaction died is still pending and is delivered in full. In-app is delivered here; email and SMS rows are
/// queued as pending for the channel workers, or suppressed (fatigue budget, quiet hours) for routine alerts.
/// </summary>
public sealed class DeliverAlertBatchConsumer(EventStoreSettings settings, AlertContentCache contents, Dispatcher dispatcher, TimeProvider clock, IConfiguration configuration)
    : IConsumer<DeliverAlertBatch>
{
    public async Task Consume(ConsumeContext<DeliverAlertBatch> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (alertId, batchNo) = (context.Message.AlertId, context.Message.BatchNo);
        var ct = context.CancellationToken;
        var alert = await contents.GetAsync(alertId, ct);
        var s = settings.Schema;
        var now = clock.GetUtcNow();
        bool finished;
        await using (var conn = await settings.DataSource.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            string[]? recipients;
            await using (var claim = new NpgsqlCommand(
                $"update {s}.alert_batches set status = 'done', done = now() where alert_id = @a and batch_no = @b and status in ('pending', 'queued') returning recipients", conn, tx))
            {
                claim.Parameters.AddWithValue("a", alertId);
                claim.Parameters.AddWithValue("b", batchNo);
                recipients = await claim.ExecuteScalarAsync(ct) as string[];
            }

            if (recipients is null)
            {
                return;
            }

            var langs = alert.Translations.Keys.ToArray();
            var subjects = langs.Select(l => Alert.ContentFor(alert.Subject, alert.Body, alert.Translations, l).Subject).ToArray();
            var bodies = langs.Select(l => Alert.ContentFor(alert.Subject, alert.Body, alert.Translations, l).Body).ToArray();
            const string Tired = $"{PreviewAlert.RecentSends} >= @budget";
            const string Quiet = PreviewAlert.InQuietHours;
            await using var batch = new NpgsqlBatch(conn, tx)
            {
                BatchCommands =
                {
                    new($"""
                        insert into {s}.inbox_messages (id, subscriber_id, alert_id, kind, subject, body, language)
                        select {s}.uuid_v7(), s.subscriber_id, @a, @kind, coalesce(t.subject, @subject), coalesce(t.body, @body), s.language
                        from {s}.subscribers s left join unnest(@langs, @subjects, @bodies) as t(lang, subject, body) on t.lang = s.language
                        where s.subscriber_id = any(@r) and s.active
                        on conflict do nothing
                        """),
                    // Fatigue and the counters move by the delivery rows this statement inserts (its RETURNING), not
                    // by reading them back: reading the alert's rows for the batch's recipients scanned every row the
                    // alert had so far (131 ms at batch 30 of 50 for 100,000 residents), so a fan-out grew quadratically.
                    new($"""
                        with residents as (
                            insert into {s}.deliveries (alert_id, recipient_id, channel, status, reason, language)
                            select @a, s.subscriber_id, c.channel,
                                   case when c.channel = 'in-app' then 'delivered' when not @urgent and ({Tired} or {Quiet}) then 'suppressed' else 'pending' end,
                                   case when c.channel = 'in-app' then null when not @urgent and {Tired} then 'fatigue' when not @urgent and {Quiet} then 'quiet-hours' end,
                                   s.language
                            from {s}.subscribers s left join {s}.fatigue f on f.subscriber_id = s.subscriber_id
                            cross join lateral (values ('in-app', true), ('email', s.email_verified), ('sms', s.sms_enabled)) as c(channel, wanted)
                            where s.subscriber_id = any(@r) and s.active and c.wanted
                            on conflict do nothing
                            returning recipient_id, channel, status),
                        tired as (
                            insert into {s}.fatigue (subscriber_id, sends)
                            select distinct recipient_id, array[@now]::timestamptz[] from residents
                            where not @urgent and status = 'pending' and channel in ('email', 'sms')
                            on conflict (subscriber_id) do update
                            set sends = array(select t from unnest({s}.fatigue.sends) t where t > @since) || @now),
                        kin as (
                            insert into {s}.deliveries (alert_id, recipient_id, channel, status, language)
                            select @a, 'kin:' || k.member_id, k.preferred_channel, 'pending', k.language
                            from {s}.kin_members k where 'kin:' || k.member_id = any(@r) and k.active
                            on conflict do nothing
                            returning channel, status)
                        insert into {s}.alert_counters (alert_id, channel, status, count)
                        select @a, channel, status, count(*) from (select channel, status from residents union all select channel, status from kin) d group by channel, status
                        on conflict (alert_id, channel, status) do update set count = {s}.alert_counters.count + excluded.count
                        """),
                    new($"update {s}.alert_progress set batches_done = batches_done + 1 where alert_id = @a returning batches_done = batches_total"),
                },
            };
            for (var i = 0; i < batch.BatchCommands.Count; i++)
            {
                batch.BatchCommands[i].Parameters.AddWithValue("a", alertId);
                if (i < batch.BatchCommands.Count - 1)
                {
                    batch.BatchCommands[i].Parameters.Add(new NpgsqlParameter("r", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = recipients });
                }
            }

            var p0 = batch.BatchCommands[0].Parameters;
            p0.AddWithValue("kind", "alert:" + alert.Type);
            p0.AddWithValue("subject", alert.Subject);
            p0.AddWithValue("body", alert.Body);
            p0.Add(new NpgsqlParameter("langs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = langs });
            p0.Add(new NpgsqlParameter("subjects", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = subjects });
            p0.Add(new NpgsqlParameter("bodies", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = bodies });
            var p1 = batch.BatchCommands[1].Parameters;
            p1.AddWithValue("urgent", alert.IsUrgent);
            p1.AddWithValue("budget", PreviewAlert.Budget(configuration));
            p1.AddWithValue("since", PreviewAlert.FatigueSince(now, configuration).UtcDateTime);
            p1.AddWithValue("local", TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, ServiceDefaults.London.Zone).DateTime).ToTimeSpan());
            p1.AddWithValue("now", now.UtcDateTime);
            finished = await batch.ExecuteScalarForLastAsync(ct) is true;
            await tx.CommitAsync(ct);
        }

        if (finished)
        {
            await dispatcher.TryFinishAsync(alertId, ct);
        }
    }
}

/// <summary>Batches run <c>Messaging:BatchConcurrency</c> at a time per instance (4 by default); instances compete.</summary>
public sealed class DeliverAlertBatchConsumerDefinition : ConsumerDefinition<DeliverAlertBatchConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DeliverAlertBatchConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        ArgumentNullException.ThrowIfNull(context);
        var concurrency = context.GetRequiredService<IConfiguration>().GetValue("Messaging:BatchConcurrency", 4);
        endpointConfigurator.ConcurrentMessageLimit = concurrency;
        endpointConfigurator.PrefetchCount = concurrency * 2;
    }
}

internal static class BatchExtensions
{
    /// <summary>Runs every command of the batch and returns the first column of the last command's first row.</summary>
    public static async Task<object?> ExecuteScalarForLastAsync(this NpgsqlBatch batch, CancellationToken ct)
    {
        await using var reader = await batch.ExecuteReaderAsync(ct);
        object? value = null;
        do
        {
            if (await reader.ReadAsync(ct))
            {
                value = reader.GetValue(0);
            }
        }
        while (await reader.NextResultAsync(ct));
        return value;
    }
}
