using Engagement.EventStore;
using Engagement.ServiceDefaults;
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

    /// <summary>A member that is not there: 410 when they were erased (a tombstone with nothing personal), else 404.</summary>
    public static async Task<DomainException> MissingAsync(EventStore.EventStore store, Guid id, CancellationToken ct) =>
        await IsErasedAsync(store, id, ct) ? Erased() : new NotFoundException("Key individual", id.ToString());

    /// <summary>The same problem the store's own refusal to write for an erased subject answers with.</summary>
    public static DomainException Erased() =>
        new(StatusCodes.Status410Gone, "erased", "This person's data has been erased.",
            "This key individual was erased; nothing of their record can be read or changed.");

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
}
