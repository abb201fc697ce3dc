using Npgsql;

namespace Engagement.MartenAdditions;

/// <summary>
/// Residents erased in Messaging, by their opaque ids only: a tombstone in each service that holds residents' data, so
/// that a write naming a resident that was in flight when the erasure arrived cannot bring them back. The erasure and
/// every writer that names a resident take the same transaction-scoped advisory lock per resident before they look:
/// whichever commits second sees what the first did (the erasure finds what was written just before it; a write just
/// after it finds the tombstone).
/// </summary>
public static class ErasedResidents
{
    /// <summary>The schema step's component name.</summary>
    public const string Component = "erased-residents";

    public static readonly string[] Migrations =
    [
        "create table {schema}.erased_residents (resident_id text primary key, erased_at timestamptz not null)",
    ];

    /// <summary>In the erasure's transaction: the resident's lock, held to commit, and the tombstone.</summary>
    public static async Task RecordAsync(NpgsqlConnection conn, string schema, string residentId, DateTimeOffset at, CancellationToken ct)
    {
        await LockAsync(conn, [residentId], ct);
        await using var cmd = new NpgsqlCommand(
            $"insert into {schema}.erased_residents (resident_id, erased_at) values (@id, @at) on conflict (resident_id) do nothing", conn);
        cmd.Parameters.AddWithValue("id", residentId);
        cmd.Parameters.AddWithValue("at", at.ToUniversalTime());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// In a writer's transaction: locks the residents (waiting for an erasure of any of them in flight), then names those
    /// already erased. The read is a statement of its own, so it sees an erasure that committed while the locks were awaited.
    /// </summary>
    public static async Task<IReadOnlySet<string>> LockAndFindAsync(NpgsqlConnection conn, string schema, IReadOnlyCollection<string> residentIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(residentIds);
        var erased = new HashSet<string>(StringComparer.Ordinal);
        if (residentIds.Count == 0)
        {
            return erased;
        }

        await LockAsync(conn, residentIds, ct);
        await using var cmd = new NpgsqlCommand($"select resident_id from {schema}.erased_residents where resident_id = any(@ids)", conn);
        cmd.Parameters.AddWithValue("ids", residentIds.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            erased.Add(reader.GetString(0));
        }

        return erased;
    }

    // In one order, so two writers naming the same residents never wait on each other in a cycle.
    private static async Task LockAsync(NpgsqlConnection conn, IReadOnlyCollection<string> residentIds, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select pg_advisory_xact_lock(hashtextextended('resident:' || r, 0)) from (select distinct r from unnest(@ids) r order by r) x", conn);
        cmd.Parameters.AddWithValue("ids", residentIds.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
