using Npgsql;
using NpgsqlTypes;

namespace Engagement.Surgeries.Retention;

/// <summary>
/// Residents erased here, by their opaque id only, so that a booking in flight while the erasure commits cannot keep
/// the erased resident's details. The erasure takes the resident's lock exclusively and writes the tombstone; a booking
/// takes the lock of each resident it names, shared, then reads the tombstones. Whichever commits second sees the
/// other: a booking first is found by the erasure and shredded, an erasure first refuses the booking.
/// </summary>
public static class ErasedResidents
{
    public const string Component = "erased-residents";

    public static readonly string[] Migrations =
    [
        "create table {schema}.erased_residents (resident_id text primary key, erased_at timestamptz not null);",
    ];

    /// <summary>In the erasure's transaction: the resident's lock, held to commit, and the tombstone.</summary>
    public static async Task MarkAsync(NpgsqlConnection conn, string schema, string residentId, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            select pg_advisory_xact_lock(hashtextextended('resident:' || @r, 0));
            insert into {schema}.erased_residents (resident_id, erased_at) values (@r, @at) on conflict (resident_id) do nothing;
            """, conn);
        cmd.Parameters.AddWithValue("r", residentId);
        cmd.Parameters.AddWithValue("at", at);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// In a booking's transaction: waits for any erasure of these residents in flight (their locks, shared, in one
    /// order), then names those already erased. The read is a statement of its own, so it sees an erasure that
    /// committed while the locks were awaited.
    /// </summary>
    public static async Task<IReadOnlyCollection<string>> LockAndFindAsync(NpgsqlConnection conn, string schema, IEnumerable<string> residentIds, CancellationToken ct)
    {
        var ids = residentIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        await using var cmd = new NpgsqlCommand(
            $"""
            select count(pg_advisory_xact_lock_shared(hashtextextended('resident:' || r, 0))) from (select unnest(@ids) as r order by 1) ordered;
            select resident_id from {schema}.erased_residents where resident_id = any(@ids);
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.NextResultAsync(ct);
        var erased = new List<string>();
        while (await r.ReadAsync(ct))
        {
            erased.Add(r.GetString(0));
        }

        return erased;
    }
}

/// <summary>Residents of a booking batch erased while it was being decided: the batch is decided again without them.</summary>
public sealed class ResidentsErasedMeanwhileException(IReadOnlyCollection<string> residentIds) : Exception("Residents of the batch were erased meanwhile.")
{
    public IReadOnlyCollection<string> ResidentIds { get; } = residentIds;
}
