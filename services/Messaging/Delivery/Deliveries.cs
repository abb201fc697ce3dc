using Npgsql;

namespace Engagement.Messaging.Delivery;

/// <summary>Delivery statuses, and the SQL that moves rows and their running counters together.</summary>
public static class Deliveries
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Suppressed = "suppressed";
    public const string Cancelled = "cancelled";

    /// <summary>Stops an alert: undone batches and unsent deliveries are cancelled, and the counters follow.</summary>
    public static async Task CancelPendingAsync(NpgsqlConnection conn, string schema, Guid alertId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        await using var cmd = new NpgsqlCommand(
            $"""
            update {schema}.alert_batches set status = 'cancelled' where alert_id = @a and status in ('pending', 'queued');
            with moved as (
                update {schema}.deliveries set status = 'cancelled', updated = now()
                where alert_id = @a and status in ('pending', 'sending') returning channel),
            n as (select channel, count(*) as c from moved group by channel)
            insert into {schema}.alert_counters (alert_id, channel, status, count)
            select @a, channel, 'pending', -c from n union all select @a, channel, 'cancelled', c from n
            on conflict (alert_id, channel, status) do update set count = {schema}.alert_counters.count + excluded.count;
            """, conn);
        cmd.Parameters.AddWithValue("a", alertId);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
