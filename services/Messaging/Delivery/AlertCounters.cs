using Npgsql;
using NpgsqlTypes;

namespace Engagement.Messaging.Delivery;

/// <summary>The SQL that moves delivery rows and their alert's running counters together.</summary>
public static class AlertCounters
{
    public sealed record Outcome(Guid Alert, string Recipient, string Status, string? Reason, DateTimeOffset? Retry);

    /// <summary>
    /// Records sends' outcomes: each row still <c>sending</c> takes its outcome, and the counters move by the same
    /// amounts. The <c>pending</c> decrement is one row per alert, summed over its statuses: an upsert that names one
    /// (alert, channel, status) twice fails with 21000, which once rolled back a batch whose emails had gone and sent
    /// them again after the lease, for ever.
    /// </summary>
    public static async Task RecordAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string schema, string channel, IReadOnlyList<Outcome> outcomes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        await using var cmd = new NpgsqlCommand(
            $"""
            with o as (select * from unnest(@alerts, @recipients, @statuses, @reasons, @retries) as o(alert_id, recipient_id, status, reason, retry)),
            moved as (
                update {schema}.deliveries d set status = o.status, reason = o.reason, next_attempt = o.retry, updated = now()
                from o where d.alert_id = o.alert_id and d.recipient_id = o.recipient_id and d.channel = @c and d.status = 'sending'
                returning d.alert_id, d.status),
            n as (select alert_id, status, count(*) as c from moved where status <> 'pending' group by alert_id, status)
            insert into {schema}.alert_counters (alert_id, channel, status, count)
            select alert_id, @c, 'pending', -sum(c) from n group by alert_id
            union all select alert_id, @c, status, c from n
            on conflict (alert_id, channel, status) do update set count = {schema}.alert_counters.count + excluded.count
            """, conn, tx);
        cmd.Parameters.AddWithValue("c", channel);
        cmd.Parameters.AddWithValue("alerts", outcomes.Select(o => o.Alert).ToArray());
        cmd.Parameters.AddWithValue("recipients", outcomes.Select(o => o.Recipient).ToArray());
        cmd.Parameters.AddWithValue("statuses", outcomes.Select(o => o.Status).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = outcomes.Select(o => (object?)Printable(o.Reason) ?? DBNull.Value).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("retries", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = outcomes.Select(o => (object?)o.Retry?.UtcDateTime ?? DBNull.Value).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A failure's reason comes from a provider or an exception message, which may hold anything; PostgreSQL refuses
    /// NUL, and a refused reason must not keep a sent message from being recorded.
    /// </summary>
    private static string? Printable(string? reason) =>
        reason is null ? null : new string(reason.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c).ToArray());
}
