using Npgsql;
using NpgsqlTypes;

namespace Engagement.Messaging.Inbox;

/// <summary>
/// One message for a resident's in-app inbox. <c>Kind</c> says what made it (<c>alert:…</c>, <c>surgery:…</c>,
/// <c>reply-answer</c>); <c>AlertId</c>, when given, makes it once per alert and resident.
/// </summary>
public sealed record InboxItem(Guid Id, string SubscriberId, Guid? AlertId, string Kind, string Subject, string Body, string Language);

/// <summary>
/// How other features put messages in inboxes, on their own connection and inside their own transaction (a session's, see Sessions). A message already there (the same id, or
/// the same alert for the same resident) is left as it is, so a redelivered message never shows twice.
/// </summary>
public static class InboxWriter
{
    public static async Task AddAsync(NpgsqlConnection conn, string schema, InboxItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        await AddManyAsync(conn, schema, [item], ct);
    }

    /// <summary>
    /// A message to each named resident who is subscribed now, in the text <paramref name="textFor"/> gives for their
    /// language; an erased or unknown id gets nothing, since only current subscribers have a row to find.
    /// </summary>
    public static async Task<int> ToSubscribersAsync(
        NpgsqlConnection conn, string schema, IReadOnlyCollection<string> residentIds, string kind, Func<string, (string Subject, string Body)> textFor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(residentIds);
        ArgumentNullException.ThrowIfNull(textFor);
        var subscribed = new List<(string Id, string Language)>();
        await using (var cmd = new NpgsqlCommand($"select subscriber_id, language from {schema}.subscribers where subscriber_id = any(@ids) and active", conn))
        {
            cmd.Parameters.AddWithValue("ids", residentIds.ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                subscribed.Add((r.GetString(0), r.GetString(1)));
            }
        }

        return await AddManyAsync(conn, schema, subscribed.Select(s =>
        {
            var (subject, body) = textFor(s.Language);
            return new InboxItem(Guid.CreateVersion7(), s.Id, null, kind, subject, body, s.Language);
        }).ToList(), ct);
    }

    /// <summary>Many messages in one statement; returns how many were new.</summary>
    public static async Task<int> AddManyAsync(NpgsqlConnection conn, string schema, IReadOnlyList<InboxItem> items, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return 0;
        }

        await using var cmd = new NpgsqlCommand(
            $"""
            insert into {schema}.inbox_messages (id, subscriber_id, alert_id, kind, subject, body, language)
            select * from unnest(@ids, @subscribers, @alerts, @kinds, @subjects, @bodies, @languages)
            on conflict do nothing
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = items.Select(i => i.Id).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("subscribers", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = items.Select(i => i.SubscriberId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("alerts", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = items.Select(i => i.AlertId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = items.Select(i => i.Kind).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("subjects", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = items.Select(i => i.Subject).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("bodies", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = items.Select(i => i.Body).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("languages", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = items.Select(i => i.Language).ToArray() });
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
