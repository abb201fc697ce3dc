using Engagement.MartenAdditions;
using Engagement.Plans.Priorities;
using Marten;
using Npgsql;

namespace Engagement.Plans.Raisers;

/// <summary>
/// The residents erased in Messaging, by their opaque ids only: a tombstone, so that a SurgeryHeld (or a reply passed on
/// as an issue) still in flight when the erasure arrived cannot make them a raiser again, and an erased resident cannot
/// vote. The erasure and every writer that names a resident take the same transaction-scoped advisory lock per resident
/// before they look: whichever commits second sees what the first did (the erasure forgets a raiser added just before
/// it; a raiser arriving just after it finds the tombstone).
/// </summary>
public static class ErasedResidents
{
    public static readonly string[] Migrations =
    [
        "create table {schema}.erased_residents (resident_id text primary key, erased_at timestamptz not null)",
    ];

    /// <summary>Locks the residents for the connection's transaction and returns those not erased, in their order.</summary>
    public static async Task<IReadOnlyList<string>> NotErasedAsync(NpgsqlConnection conn, string schema, IReadOnlyList<string> residentIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(residentIds);
        if (residentIds.Count == 0)
        {
            return residentIds;
        }

        await LockAsync(conn, residentIds, ct);
        await using var cmd = new NpgsqlCommand($"select resident_id from {schema}.erased_residents where resident_id = any(@ids)", conn);
        cmd.Parameters.AddWithValue("ids", residentIds.ToArray());
        var erased = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                erased.Add(reader.GetString(0));
            }
        }

        return residentIds.Where(r => !erased.Contains(r)).ToList();
    }

    /// <summary>The candidates with every erased raiser left out (the residents locked for the session's transaction).</summary>
    public static async Task<IReadOnlyList<Candidate>> WithoutErasedAsync(IDocumentSession session, string schema, IReadOnlyList<Candidate> candidates, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(candidates);
        var all = candidates.SelectMany(c => c.Mention.RaiserIds).Distinct(StringComparer.Ordinal).ToList();
        if (all.Count == 0)
        {
            return candidates;
        }

        var living = (await NotErasedAsync(await session.ConnectionInTransactionAsync(ct), schema, all, ct)).ToHashSet(StringComparer.Ordinal);
        return living.Count == all.Count
            ? candidates
            : candidates.Select(c => c with { Mention = c.Mention with { RaiserIds = c.Mention.RaiserIds.Where(living.Contains).ToList() } }).ToList();
    }

    /// <summary>Locks the resident and records the tombstone, before the erasure looks for what they raised.</summary>
    public static async Task RecordAsync(IDocumentSession session, string schema, string residentId, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var conn = await session.ConnectionInTransactionAsync(ct);
        await LockAsync(conn, [residentId], ct);
        await using var cmd = new NpgsqlCommand(
            $"insert into {schema}.erased_residents (resident_id, erased_at) values (@id, @at) on conflict (resident_id) do nothing", conn);
        cmd.Parameters.AddWithValue("id", residentId);
        cmd.Parameters.AddWithValue("at", at.ToUniversalTime());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    // In one order, so two writers naming the same residents never wait on each other in a cycle.
    private static async Task LockAsync(NpgsqlConnection conn, IReadOnlyList<string> residentIds, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select pg_advisory_xact_lock(hashtextextended('plans-resident:' || r, 0)) from (select distinct r from unnest(@ids) r order by r) x", conn);
        cmd.Parameters.AddWithValue("ids", residentIds.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
