using Npgsql;
using NpgsqlTypes;

namespace Engagement.Messaging.Subscriptions;

/// <summary>
/// Keeps <c>messaging.subscribers</c>, the plain targeting table alerts are resolved against, in step with the
/// subscription. Always written on the connection of the session that appends the subscription's events, in its transaction, so the two never disagree.
/// It holds no contact details: only whether email and SMS may be used.
/// </summary>
public static class SubscriberTable
{
    public static async Task UpsertAsync(NpgsqlConnection conn, string schema, ResidentSubscription s, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        await using var cmd = new NpgsqlCommand(
            $"""
            insert into {schema}.subscribers (subscriber_id, area_codes, interests, email_verified, sms_enabled, language, quiet_start, quiet_end, active, updated)
            values (@id, @areas, @interests, @email, @sms, @language, @quiet_start, @quiet_end, @active, @updated)
            on conflict (subscriber_id) do update set area_codes = excluded.area_codes, interests = excluded.interests,
                email_verified = excluded.email_verified, sms_enabled = excluded.sms_enabled, language = excluded.language,
                quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, active = excluded.active, updated = excluded.updated
            """, conn);
        cmd.Parameters.AddWithValue("id", s.SubscriberId);
        cmd.Parameters.Add(new NpgsqlParameter("areas", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = s.AlertAreas.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("interests", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (s.Interests ?? []).ToArray() });
        cmd.Parameters.AddWithValue("email", s.EmailActive);
        cmd.Parameters.AddWithValue("sms", s.Phone is not null);
        cmd.Parameters.AddWithValue("language", s.Language ?? "en");
        cmd.Parameters.Add(new NpgsqlParameter("quiet_start", NpgsqlDbType.Time) { Value = (object?)SubscriptionRules.Time(s.QuietStart) ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("quiet_end", NpgsqlDbType.Time) { Value = (object?)SubscriptionRules.Time(s.QuietEnd) ?? DBNull.Value });
        cmd.Parameters.AddWithValue("active", s.Active);
        cmd.Parameters.AddWithValue("updated", now.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Everything of the resident's outside Marten's tables: targeting, inbox, delivery records and the fatigue budget.
    /// It runs on the erasure session's connection, in its transaction, with the erasure of their keys (EraseSubject), so an erasure
    /// is never half done: either the keys and the rows go with the erasure event, or none of them does.
    /// </summary>
    public static async Task EraseAsync(NpgsqlConnection conn, string schema, string subscriberId, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new($"delete from {schema}.subscribers where subscriber_id = @id"),
                new($"delete from {schema}.inbox_messages where subscriber_id = @id"),
                new($"delete from {schema}.deliveries where recipient_id = @id"),
                new($"delete from {schema}.fatigue where subscriber_id = @id"),
            },
        };
        foreach (NpgsqlBatchCommand c in batch.BatchCommands)
        {
            c.Parameters.AddWithValue("id", subscriberId);
        }

        await batch.ExecuteNonQueryAsync(ct);
    }
}
