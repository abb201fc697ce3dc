using System.Threading.RateLimiting;
using Engagement.MartenAdditions;
using Engagement.Messaging.Alerts;
using Engagement.Messaging.Kin;
using Engagement.Messaging.Subscriptions;
using Marten;
using Npgsql;

namespace Engagement.Messaging.Delivery;

/// <summary>
/// Sends the pending email or SMS deliveries of every alert. Instances compete for rows with SKIP LOCKED; a claimed
/// row carries a lease, so rows claimed by an instance that died are taken again when the lease runs out. Each
/// channel has its own rate limit (<c>Email:PerSecond</c>, <c>Sms:PerSecond</c>), and a failed send is retried with
/// backoff up to <c>Messaging:MaxAttempts</c> before it is recorded as failed with its reason.
/// </summary>
public abstract partial class ChannelWorker(string channel, IDocumentStore store, EventStoreSettings settings, AlertContentCache contents, Dispatcher dispatcher,
    LinkTokens links, IConfiguration configuration, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected abstract Task SendAsync(Alert alert, Recipient recipient, CancellationToken ct);

    public sealed record Recipient(string Id, string? Address, string Language, string? UnsubscribeUrl, bool IsKin);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, PerSecond),
            TokensPerPeriod = Math.Max(1, PerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            AutoReplenishment = true,
        });
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(limiter, stoppingToken) == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(configuration.GetValue("Messaging:ChannelPollMs", 250)), stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, channel, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private int PerSecond => configuration.GetValue(channel == Channel.Email ? "Email:PerSecond" : "Sms:PerSecond", channel == Channel.Email ? 50 : 20);

    private async Task<int> RunOnceAsync(RateLimiter limiter, CancellationToken ct)
    {
        var s = settings.Schema;
        var claimed = new List<(Guid Alert, string Recipient, int Attempts, string Language)>();
        await using (var conn = await settings.DataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand(
            $"""
            update {s}.deliveries d set status = 'sending', attempts = d.attempts + 1, next_attempt = now() + @lease, updated = now()
            from (select alert_id, recipient_id from {s}.deliveries
                  where channel = @c and ((status = 'pending' and (next_attempt is null or next_attempt <= now())) or (status = 'sending' and next_attempt <= now()))
                  order by updated limit 50 for update skip locked) x
            where d.alert_id = x.alert_id and d.recipient_id = x.recipient_id and d.channel = @c
            returning d.alert_id, d.recipient_id, d.attempts, coalesce(d.language, 'en')
            """, conn))
        {
            cmd.Parameters.AddWithValue("c", channel);
            cmd.Parameters.AddWithValue("lease", Lease);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                claimed.Add((r.GetGuid(0), r.GetString(1), r.GetInt32(2), r.GetString(3)));
            }
        }

        if (claimed.Count == 0)
        {
            return 0;
        }

        var residents = claimed.Where(c => !c.Recipient.StartsWith("kin:", StringComparison.Ordinal)).Select(c => c.Recipient).Distinct().ToList();
        var kin = claimed.Where(c => c.Recipient.StartsWith("kin:", StringComparison.Ordinal)).Select(c => c.Recipient[4..]).Distinct().ToList();
        // A unit of work of its own: each subject's key is read once for the batch, and never kept beyond it.
        using var scope = PersonalDataScope.Begin();
        var residentContacts = await SubscriberContacts.LoadAsync(store, residents, ct);
        var kinContacts = await KinContacts.LoadAsync(store, kin, ct);
        var maxAttempts = configuration.GetValue("Messaging:MaxAttempts", 3);
        var outcomes = new List<(Guid Alert, string Recipient, string Status, string? Reason, DateTimeOffset? Retry)>();
        foreach (var c in claimed)
        {
            var alert = await contents.GetAsync(c.Alert, ct);
            Recipient? recipient = null;
            if (c.Recipient.StartsWith("kin:", StringComparison.Ordinal))
            {
                if (kinContacts.TryGetValue(c.Recipient[4..], out var k))
                {
                    recipient = new Recipient(c.Recipient, channel == Channel.Email ? k.Email : k.Phone, k.Language, null, IsKin: true);
                }
            }
            else if (residentContacts.TryGetValue(c.Recipient, out var r))
            {
                var address = channel == Channel.Email ? (r.EmailVerified ? r.Email : null) : r.Phone;
                recipient = new Recipient(c.Recipient, address, r.Language, links.UnsubscribeUrl(c.Recipient, channel), IsKin: false);
            }

            if (recipient?.Address is null)
            {
                outcomes.Add((c.Alert, c.Recipient, Deliveries.Failed, "no-contact: no verified address for this channel any more", null));
                continue;
            }

            using var lease = await limiter.AcquireAsync(1, ct);
            try
            {
                await SendAsync(alert, recipient, ct);
                outcomes.Add((c.Alert, c.Recipient, Deliveries.Delivered, null, null));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var reason = $"{e.GetType().Name}: {e.Message}";
                outcomes.Add(c.Attempts >= maxAttempts
                    ? (c.Alert, c.Recipient, Deliveries.Failed, reason, null)
                    : (c.Alert, c.Recipient, Deliveries.Pending, reason, DateTimeOffset.UtcNow.AddSeconds(Math.Pow(2, c.Attempts))));
            }
        }

        await RecordAsync(outcomes, ct);
        foreach (var alertId in outcomes.Select(o => o.Alert).Distinct())
        {
            await dispatcher.TryFinishAsync(alertId, ct);
        }

        return claimed.Count;
    }

    private async Task RecordAsync(IReadOnlyList<(Guid Alert, string Recipient, string Status, string? Reason, DateTimeOffset? Retry)> outcomes, CancellationToken ct)
    {
        var s = settings.Schema;
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            with o as (select * from unnest(@alerts, @recipients, @statuses, @reasons, @retries) as o(alert_id, recipient_id, status, reason, retry)),
            moved as (
                update {s}.deliveries d set status = o.status, reason = o.reason, next_attempt = o.retry, updated = now()
                from o where d.alert_id = o.alert_id and d.recipient_id = o.recipient_id and d.channel = @c and d.status = 'sending'
                returning d.alert_id, d.status),
            n as (select alert_id, status, count(*) as c from moved where status <> 'pending' group by alert_id, status)
            insert into {s}.alert_counters (alert_id, channel, status, count)
            select alert_id, @c, 'pending', -c from n union all select alert_id, @c, status, c from n
            on conflict (alert_id, channel, status) do update set count = {s}.alert_counters.count + excluded.count
            """, conn, tx);
        cmd.Parameters.AddWithValue("c", channel);
        cmd.Parameters.AddWithValue("alerts", outcomes.Select(o => o.Alert).ToArray());
        cmd.Parameters.AddWithValue("recipients", outcomes.Select(o => o.Recipient).ToArray());
        cmd.Parameters.AddWithValue("statuses", outcomes.Select(o => o.Status).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("reasons", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = outcomes.Select(o => (object?)o.Reason ?? DBNull.Value).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("retries", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = outcomes.Select(o => (object?)o.Retry?.UtcDateTime ?? DBNull.Value).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Channel} channel worker failed; it will try again")]
    private static partial void LogFailed(ILogger logger, string channel, Exception e);
}

public sealed class EmailWorker(IDocumentStore store, EventStoreSettings settings, AlertContentCache contents, Dispatcher dispatcher, IEmailSender email,
    LinkTokens links, IConfiguration configuration, ILogger<EmailWorker> logger)
    : ChannelWorker(Channel.Email, store, settings, contents, dispatcher, links, configuration, logger)
{
    protected override Task SendAsync(Alert alert, Recipient recipient, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(recipient);
        var (subject, body) = Alert.ContentFor(alert.Subject, alert.Body, alert.Translations, recipient.Language);
        var unsubscribe = recipient.UnsubscribeUrl;
        var footer = unsubscribe is null
            ? "\n\n--\nYou receive this as a member of the Key Individual Network. Reply to your neighbourhood team to change how we contact you."
            : $"\n\n--\nYou receive this because you subscribed to neighbourhood alerts. Unsubscribe with one click: {unsubscribe}";
        var headers = unsubscribe is null
            ? null
            : new Dictionary<string, string> { ["List-Unsubscribe"] = $"<{unsubscribe}>", ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click" };
        return email.SendAsync(new EmailMessage(recipient.Address!, subject, body + footer, headers), ct);
    }
}

public sealed class SmsWorker(IDocumentStore store, EventStoreSettings settings, AlertContentCache contents, Dispatcher dispatcher, ISmsSender sms,
    LinkTokens links, IConfiguration configuration, ILogger<SmsWorker> logger)
    : ChannelWorker(Channel.Sms, store, settings, contents, dispatcher, links, configuration, logger)
{
    protected override Task SendAsync(Alert alert, Recipient recipient, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(recipient);
        var (subject, body) = Alert.ContentFor(alert.Subject, alert.Body, alert.Translations, recipient.Language);
        var text = recipient.UnsubscribeUrl is null ? $"{subject}: {body}" : Content.SmsText(subject, body, recipient.UnsubscribeUrl);
        return sms.SendAsync(new SmsMessage(recipient.Address!, text), ct);
    }
}
