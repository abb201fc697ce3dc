using System.Threading.RateLimiting;
using Engagement.MartenAdditions;
using Engagement.Messaging.Alerts;
using Engagement.Messaging.Kin;
using Engagement.Messaging.Subscriptions;
using Engagement.ServiceDefaults;
using Marten;
using Npgsql;

namespace Engagement.Messaging.Delivery;

/// <summary>
/// Sends the pending email or SMS deliveries of every alert. Instances compete for rows with SKIP LOCKED; a claimed
/// row carries a lease (<c>Messaging:LeaseSeconds</c>, 120), so rows claimed by an instance that died are taken again
/// when the lease runs out, unless they had already been handed to the provider: those are settled, not sent again.
/// Each channel has its own rate limit (<c>Email:PerSecond</c>, <c>Sms:PerSecond</c>), and a failed send is retried
/// with backoff up to <c>Messaging:MaxAttempts</c> before it is recorded as failed with its reason.
/// </summary>
public abstract partial class ChannelWorker(string channel, IDocumentStore store, EventStoreSettings settings, AlertContentCache contents, Dispatcher dispatcher,
    LinkTokens links, IConfiguration configuration, ILogger logger) : BackgroundService
{
    /// <summary>Outcomes of sends the database has not taken yet; one worker loop, so no locking.</summary>
    private readonly List<AlertCounters.Outcome> _unrecorded = [];

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

    private TimeSpan Lease => TimeSpan.FromSeconds(configuration.GetValue("Messaging:LeaseSeconds", 120));

    private int PerSecond => configuration.GetValue(channel == Channel.Email ? "Email:PerSecond" : "Sms:PerSecond", channel == Channel.Email ? 50 : 20);

    private async Task<int> RunOnceAsync(RateLimiter limiter, CancellationToken ct)
    {
        await FlushUnrecordedAsync(ct);
        if (_unrecorded.Count > 0)
        {
            throw new InvalidOperationException("Outcomes of earlier sends are not recorded yet; nothing more is claimed until they are.");
        }

        var settled = await SettleUnconfirmedAsync(ct);
        var s = settings.Schema;
        var claimed = new List<(Guid Alert, string Recipient, int Attempts, string Language)>();
        await using (var conn = await settings.DataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand(
            $"""
            update {s}.deliveries d set status = 'sending', attempts = d.attempts + 1, next_attempt = now() + @lease, updated = now(), handed_over = null
            from (select alert_id, recipient_id from {s}.deliveries
                  where channel = @c and ((status = 'pending' and (next_attempt is null or next_attempt <= now())) or (status = 'sending' and next_attempt <= now() and handed_over is null))
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
            return settled;
        }

        var residents = claimed.Where(c => !c.Recipient.StartsWith("kin:", StringComparison.Ordinal)).Select(c => c.Recipient).Distinct().ToList();
        var kin = claimed.Where(c => c.Recipient.StartsWith("kin:", StringComparison.Ordinal)).Select(c => c.Recipient[4..]).Distinct().ToList();
        // A unit of work of its own: each subject's key is read once for the batch, and never kept beyond it.
        using var scope = PersonalDataScope.Begin();
        var residentContacts = await SubscriberContacts.LoadAsync(store, residents, ct);
        var kinContacts = await KinContacts.LoadAsync(store, kin, ct);
        var maxAttempts = configuration.GetValue("Messaging:MaxAttempts", 3);
        var resolved = claimed.Select(c => (Claim: c, Recipient: Resolve(c.Recipient, residentContacts, kinContacts))).ToList();
        await RecordDisclosuresAsync(resolved.Where(r => r.Recipient?.Address is not null).Select(r => (r.Claim.Alert, r.Recipient!)).ToList(), ct);
        var alerts = new HashSet<Guid>();
        foreach (var (c, recipient) in resolved)
        {
            var alert = await contents.GetAsync(c.Alert, ct);
            if (recipient?.Address is null)
            {
                alerts.Add(c.Alert);
                await RecordAsync(new(c.Alert, c.Recipient, Deliveries.Failed, "no-contact: no verified address for this channel any more", null), ct);
                continue;
            }

            using var lease = await limiter.AcquireAsync(1, ct);
            await MarkHandedOverAsync(c.Alert, c.Recipient, ct);
            AlertCounters.Outcome outcome;
            try
            {
                await SendAsync(alert, recipient, ct);
                outcome = new(c.Alert, c.Recipient, Deliveries.Delivered, null, null);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var reason = $"{e.GetType().Name}: {e.Message}";
                outcome = c.Attempts >= maxAttempts
                    ? new(c.Alert, c.Recipient, Deliveries.Failed, reason, null)
                    : new(c.Alert, c.Recipient, Deliveries.Pending, reason, DateTimeOffset.UtcNow.AddSeconds(Math.Pow(2, c.Attempts)));
            }

            alerts.Add(c.Alert);
            await RecordAsync(outcome, CancellationToken.None);
        }

        foreach (var alertId in alerts)
        {
            await dispatcher.TryFinishAsync(alertId, ct);
        }

        return claimed.Count;
    }

    private Recipient? Resolve(string id, IReadOnlyDictionary<string, SubscriberContact> residents, IReadOnlyDictionary<string, KinContact> kin)
    {
        if (id.StartsWith("kin:", StringComparison.Ordinal))
        {
            return kin.TryGetValue(id[4..], out var k) ? new Recipient(id, channel == Channel.Email ? k.Email : k.Phone, k.Language, null, IsKin: true) : null;
        }

        if (!residents.TryGetValue(id, out var r))
        {
            return null;
        }

        var address = channel == Channel.Email ? (r.EmailVerified ? r.Email : null) : r.Phone;
        return new Recipient(id, address, r.Language, links.UnsubscribeUrl(id, channel), IsKin: false);
    }

    /// <summary>
    /// Handing an address to SMTP or the SMS provider is a disclosure (DPA 2018 s62). Like every read, it is recorded
    /// before the data leaves, so no address goes out unrecorded; one statement for the whole claim keeps the cost off
    /// each send. A send that then fails and is retried is a second hand-over, and is recorded again.
    /// </summary>
    private async Task RecordDisclosuresAsync(IReadOnlyList<(Guid Alert, Recipient Recipient)> sends, CancellationToken ct)
    {
        var rows = sends.Select(s => new Audit.Row("system", null, new Audit.Entry("disclose",
            s.Recipient.IsKin ? KinStore.AuditSubject : "subscriber", s.Recipient.IsKin ? s.Recipient.Id[4..] : s.Recipient.Id,
            $"address handed to the {channel} provider to deliver an alert", new { alertId = s.Alert, channel }))).ToList();
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await Audit.RecordManyAsync(conn, null, settings.Schema, rows, ct);
    }

    /// <summary>
    /// Marks a claimed row as handed to the provider, just before it is. If this fails, nothing has left: the row is
    /// claimed and sent again once its lease runs out. If it succeeds, the row is never sent again whatever follows.
    /// </summary>
    private async Task MarkHandedOverAsync(Guid alert, string recipient, CancellationToken ct)
    {
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"update {settings.Schema}.deliveries set handed_over = now() where alert_id = @a and recipient_id = @r and channel = @c and status = 'sending'", conn);
        cmd.Parameters.AddWithValue("a", alert);
        cmd.Parameters.AddWithValue("r", recipient);
        cmd.Parameters.AddWithValue("c", channel);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Rows handed to the provider whose lease ran out with no outcome recorded (the record failed, or the instance
    /// died after the send) are recorded as delivered, unconfirmed, with their counters: a message that left is
    /// recorded as sent, and a resident never gets it twice.
    /// </summary>
    private async Task<int> SettleUnconfirmedAsync(CancellationToken ct)
    {
        var s = settings.Schema;
        var outcomes = new List<AlertCounters.Outcome>();
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand(
            $"""
            select alert_id, recipient_id, handed_over from {s}.deliveries
            where channel = @c and status = 'sending' and handed_over is not null and next_attempt <= now()
            limit 500 for update skip locked
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("c", channel);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                outcomes.Add(new(r.GetGuid(0), r.GetString(1), Deliveries.Delivered,
                    $"unconfirmed: handed to the {channel} provider at {r.GetFieldValue<DateTimeOffset>(2):O}; its outcome was not recorded before the lease ran out", null));
            }
        }

        if (outcomes.Count == 0)
        {
            return 0;
        }

        await AlertCounters.RecordAsync(conn, tx, s, channel, outcomes, ct);
        await tx.CommitAsync(ct);
        LogSettled(logger, channel, outcomes.Count);
        foreach (var alertId in outcomes.Select(o => o.Alert).Distinct())
        {
            await dispatcher.TryFinishAsync(alertId, ct);
        }

        return outcomes.Count;
    }

    /// <summary>
    /// Records one send's outcome at once, in its own statement: a message that left is recorded as sent whatever
    /// happens to its neighbours in the batch. If the database refuses it now, it is kept and recorded before the next
    /// claim, well inside the lease, so the message is not sent again.
    /// </summary>
    private async Task RecordAsync(AlertCounters.Outcome outcome, CancellationToken ct)
    {
        _unrecorded.Add(outcome);
        await FlushUnrecordedAsync(ct);
    }

    private async Task FlushUnrecordedAsync(CancellationToken ct)
    {
        foreach (var outcome in _unrecorded.ToList())
        {
            try
            {
                await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
                await AlertCounters.RecordAsync(conn, null, settings.Schema, channel, [outcome], ct);
                _unrecorded.Remove(outcome);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogUnrecorded(logger, channel, outcome.Alert, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Channel} outcome for alert {AlertId} could not be recorded yet; it is kept and recorded before the next claim")]
    private static partial void LogUnrecorded(ILogger logger, string channel, Guid alertId, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} {Channel} messages had left with no outcome recorded before their lease ran out; recorded as delivered, unconfirmed, and not sent again")]
    private static partial void LogSettled(ILogger logger, string channel, int count);

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
