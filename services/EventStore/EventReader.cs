using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Engagement.EventStore;

/// <summary>
/// Reads the whole store in commit-safe order for subscribers (async projections, the relay).
/// <para>
/// Sequence numbers are taken at insert time but become visible at commit, so seq 11 can commit before seq 10, and a
/// rolled-back append leaves seq 10 missing for ever. A reader that advances past 11 while 10 is in flight loses 10 for
/// good; one that waits for 10 waits for ever if it rolled back. Skipping a gap after a timeout (what Marten did, its
/// issue #3122) loses events under load. So we never skip by time: we order by the writing transaction's id, then seq,
/// and read only rows whose transaction is older than the oldest transaction still running
/// (<c>pg_snapshot_xmin(pg_current_snapshot())</c>). Every such transaction has committed or rolled back, so nothing
/// can later appear below what we have read, and holes from rollbacks are passed because no row is waited for.
/// </para>
/// <para>
/// The cost: an open transaction anywhere in the cluster holds readers back while it runs. That is why the store's
/// connections set <c>idle_in_transaction_session_timeout</c>: one stuck session cannot stall readers for ever.
/// </para>
/// </summary>
public static class EventReader
{
    // The text copy of tx_id must not be called tx_id: ORDER BY prefers output column names, and would then sort the
    // ids as text (so 100 before 99), losing or repeating events and defeating the (tx_id, seq) index.
    internal const string Columns = "seq, id, stream_id, version, type, data, metadata, timestamp, tx_id::text as tx_text";

    public static async Task<IReadOnlyList<StoredEvent>> ReadAfterAsync(EventStore store, NpgsqlConnection conn, Position after, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var cmd = new NpgsqlCommand(
            $"""
            select {Columns} from {store.Schema}.events
            where (tx_id, seq) > (@tx::text::xid8, @seq)
              and tx_id < pg_snapshot_xmin(pg_current_snapshot())
            order by tx_id, seq
            limit @limit
            """, conn);
        cmd.Parameters.AddWithValue("tx", after.TxId.ToString(CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("seq", after.Seq);
        cmd.Parameters.AddWithValue("limit", limit);
        return await ReadEventsAsync(store, conn, null, cmd, ct);
    }

    internal static async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(EventStore store, NpgsqlConnection conn, NpgsqlTransaction? tx, NpgsqlCommand cmd, CancellationToken ct)
    {
        var rows = new List<(long Seq, Guid Id, string Stream, long Version, string Alias, string Data, StoredMetadata Meta, DateTime Ts, ulong Tx)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                rows.Add((r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetString(5),
                    JsonSerializer.Deserialize<StoredMetadata>(r.GetString(6), store.Serializer.Options)!,
                    r.GetDateTime(7), ulong.Parse(r.GetString(8), CultureInfo.InvariantCulture)));
            }
        }

        var subjects = rows.Select(x => x.Meta.Subject).OfType<string>().ToList();
        var keys = await SubjectKeys.GetAsync(conn, tx, store.Schema, subjects, ct);
        var result = new List<StoredEvent>(rows.Count);
        foreach (var x in rows)
        {
            var (type, data) = store.Types.Resolve(x.Alias, JsonNode.Parse(x.Data)!.AsObject());
            var subject = x.Meta.Subject;
            var value = store.Serializer.Deserialize(type, data, subject, subject is null ? null : keys.GetValueOrDefault(subject));
            result.Add(new StoredEvent(x.Id, x.Stream, x.Version, new Position(x.Tx, x.Seq), x.Alias, value,
                new EventMetadata(x.Meta.CorrelationId, x.Meta.CausationId, x.Meta.UserId, x.Meta.TraceParent),
                new DateTimeOffset(DateTime.SpecifyKind(x.Ts, DateTimeKind.Utc))));
        }

        return result;
    }
}
