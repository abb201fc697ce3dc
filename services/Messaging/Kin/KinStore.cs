using Engagement.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.Messaging.Kin;

/// <summary>
/// The member's document and its row in <c>kin_members</c> (what alert targeting reads, with no personal data), both
/// written in the transaction that appends the member's events, so neither is ever behind the stream.
/// </summary>
public static class KinStore
{
    public const string AuditSubject = "kin-member";

    /// <summary>The member as it stands; null when there is none, or its key is gone.</summary>
    public static async Task<KinMemberDocument?> LoadAsync(EventStore.EventStore store, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var doc = await store.LoadAsync<KinMemberDocument>(id.ToString(), ct);
        return doc?.Person is null ? null : doc;
    }

    /// <summary>Members' documents matching a condition, in id order, leaving out any whose key is gone.</summary>
    public static async Task<IReadOnlyList<KinMemberDocument>> QueryAsync(
        EventStore.EventStore store, string where, IReadOnlyDictionary<string, object?> parameters, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (await store.QueryAsync<KinMemberDocument>(where, parameters, "id", limit, ct)).Where(d => d.Person is not null).ToList();
    }

    /// <summary>
    /// The member's write lock, held until disposed: registering, changing and erasing one member take turns.
    /// Without it a change decided before an erasure and saved after it would do harm even though its append fails on
    /// the version: the store makes a subject's key before its transaction, so the losing write would leave a fresh key
    /// for the erased member, under which their old ciphertext no longer opens (the store throws instead of reading
    /// null, and its subscription runner stops the host). Held by a transaction of its own, so a pooled connection can
    /// never keep it, and a process that dies lets go of it.
    /// </summary>
    public static async Task<IAsyncDisposable> LockAsync(EventStore.EventStore store, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var conn = await store.DataSource.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(ct);
            await using var cmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@k, 0))", conn, tx);
            cmd.Parameters.AddWithValue("k", $"{store.Schema}:{KeyIndividual.StreamId(id)}");
            await cmd.ExecuteNonQueryAsync(ct);
            return new MemberLock(conn, tx);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether the member was erased, from the event types alone: nothing is decrypted to find out.</summary>
    public static async Task<bool> IsErasedAsync(EventStore.EventStore store, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"select exists (select 1 from {store.Schema}.events where stream_id = @s and type = @t)", conn);
        cmd.Parameters.AddWithValue("s", KeyIndividual.StreamId(id));
        cmd.Parameters.AddWithValue("t", store.Types.AliasFor(typeof(KeyIndividualErased)));
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static void Write(DocumentSession session, string schema, KinMemberDocument doc)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(doc);
        session.Store(doc.Id.ToString(), doc);
        session.Execute(async (conn, tx, ct) =>
        {
            await using var cmd = new NpgsqlCommand(
                $"""
                insert into {schema}.kin_members (member_id, area_codes, issues, preferred_channel, language, active, updated)
                values (@id, @areas, @issues, @channel, @language, @active, now())
                on conflict (member_id) do update set area_codes = excluded.area_codes, issues = excluded.issues,
                    preferred_channel = excluded.preferred_channel, language = excluded.language, active = excluded.active, updated = now()
                """, conn, tx);
            cmd.Parameters.AddWithValue("id", doc.Id.ToString());
            cmd.Parameters.Add(new NpgsqlParameter("areas", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = doc.Profile.Areas.ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("issues", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = doc.Profile.Issues.ToArray() });
            cmd.Parameters.AddWithValue("channel", doc.Profile.PreferredChannel);
            cmd.Parameters.AddWithValue("language", doc.Profile.Language);
            cmd.Parameters.AddWithValue("active", doc.Profile.Contactable);
            await cmd.ExecuteNonQueryAsync(ct);
        });
    }

    public static void Remove(DocumentSession session, string schema, Guid id)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Delete<KinMemberDocument>(id.ToString());
        session.Execute(async (conn, tx, ct) =>
        {
            await using var cmd = new NpgsqlCommand($"delete from {schema}.kin_members where member_id = @id", conn, tx);
            cmd.Parameters.AddWithValue("id", id.ToString());
            await cmd.ExecuteNonQueryAsync(ct);
        });
    }

    private sealed class MemberLock(NpgsqlConnection conn, NpgsqlTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await tx.DisposeAsync();
            await conn.DisposeAsync();
        }
    }
}
