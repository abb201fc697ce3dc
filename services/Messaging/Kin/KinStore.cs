using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.Messaging.Kin;

/// <summary>
/// The member's snapshot (kept inline by Marten) and its row in <c>kin_members</c> (what alert targeting reads, with no
/// personal data), both written in the transaction that appends the member's events, so neither is ever behind the
/// stream; and the one command path every change to a member goes through.
/// </summary>
public static class KinStore
{
    public const string AuditSubject = "kin-member";

    /// <summary>The member as it stands; null when there is none, or its key is gone.</summary>
    public static async Task<KinMemberDocument?> LoadAsync(IQuerySession session, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var doc = await session.LoadAsync<KinMemberDocument>(KeyIndividual.StreamId(id), ct);
        return doc is { Exists: true } ? doc : null;
    }

    /// <summary>Members by id, in the order given, leaving out any that are not there or whose key is gone.</summary>
    public static async Task<IReadOnlyList<KinMemberDocument>> LoadManyAsync(IQuerySession session, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        var docs = (await session.LoadManyAsync<KinMemberDocument>(ct, ids.Select(KeyIndividual.StreamId).ToList()))
            .Where(d => d.Exists).ToDictionary(d => d.MemberId);
        return ids.Where(docs.ContainsKey).Select(id => docs[id]).ToList();
    }

    /// <summary>A member that is not there: 410 when they were erased (a tombstone with nothing personal), else 404.</summary>
    public static async Task<DomainException> MissingAsync(IQuerySession session, Guid id, CancellationToken ct) =>
        await IsErasedAsync(session, id, ct) ? Erased() : new NotFoundException("Key individual", id.ToString());

    /// <summary>The same problem the store's own refusal to write for an erased subject answers with.</summary>
    public static DomainException Erased() =>
        new(StatusCodes.Status410Gone, "erased", "This person's data has been erased.",
            "This key individual was erased; nothing of their record can be read or changed.");

    /// <summary>Whether the member was erased: their key is a tombstone. Nothing is decrypted to find out.</summary>
    public static Task<bool> IsErasedAsync(IQuerySession session, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.IsErasedAsync(DataSubjects.KeyIndividual(id), ct);
    }

    /// <summary>
    /// Load, decide, append through <see cref="CommandPath"/>, with the member's targeting row and the audit entry in
    /// the same transaction. <paramref name="decide"/> sees the member as it is (the initial state when there is none)
    /// and is decided again from the winner's state after a concurrent write.
    /// </summary>
    public static Task<CommandResult<KinMemberDocument>> HandleAsync(
        IDocumentStore store, Guid id, long? ifMatch, Func<KinMemberDocument, IReadOnlyList<object>> decide,
        Func<IDocumentSession, KinMemberDocument, CancellationToken, Task> alsoSave, string user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(decide);
        ArgumentNullException.ThrowIfNull(alsoSave);
        return CommandPath.HandleAsync<KinMemberDocument>(store, KeyIndividual.StreamId(id), ifMatch, (doc, _) => decide(doc), alsoSave, user, ct);
    }

    /// <summary>The member's targeting row, in the session's transaction.</summary>
    public static async Task WriteAsync(IDocumentSession session, EventStoreSettings settings, KinMemberDocument doc, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(doc);
        var conn = await session.ConnectionInTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            insert into {settings.Schema}.kin_members (member_id, area_codes, issues, preferred_channel, language, active, updated)
            values (@id, @areas, @issues, @channel, @language, @active, now())
            on conflict (member_id) do update set area_codes = excluded.area_codes, issues = excluded.issues,
                preferred_channel = excluded.preferred_channel, language = excluded.language, active = excluded.active, updated = now()
            """, conn);
        cmd.Parameters.AddWithValue("id", doc.MemberId.ToString());
        cmd.Parameters.Add(new NpgsqlParameter("areas", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = doc.Profile.Areas.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("issues", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = doc.Profile.Issues.ToArray() });
        cmd.Parameters.AddWithValue("channel", doc.Profile.PreferredChannel);
        cmd.Parameters.AddWithValue("language", doc.Profile.Language);
        cmd.Parameters.AddWithValue("active", doc.Profile.Contactable);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The member leaves targeting, in the erasure's transaction (the snapshot goes with the erasure event).</summary>
    public static async Task RemoveAsync(IDocumentSession session, EventStoreSettings settings, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var conn = await session.ConnectionInTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand($"delete from {settings.Schema}.kin_members where member_id = @id", conn);
        cmd.Parameters.AddWithValue("id", id.ToString());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
