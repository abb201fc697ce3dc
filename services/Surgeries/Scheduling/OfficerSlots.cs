using Engagement.ServiceDefaults;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.Surgeries.Scheduling;

/// <summary>
/// The rule that a host officer is never at two overlapping surgeries, held by PostgreSQL itself: an exclusion
/// constraint over (officer, time range). Two schedules racing for the same officer cannot both commit, whatever the
/// interleaving; the check before writing only exists to name the clashing surgery in the answer.
/// </summary>
public static class OfficerSlots
{
    public static readonly string[] Migrations =
    [
        """
        create extension if not exists btree_gist;
        create table {schema}.officer_slots (
            surgery_id uuid primary key,
            officer_id text not null,
            slot tstzrange not null,
            constraint officer_slots_no_overlap exclude using gist (officer_id with =, slot with &&));
        """,
    ];

    public static async Task<Guid?> FindClashAsync(NpgsqlConnection conn, string schema, string officerId, DateTimeOffset startsAt, DateTimeOffset endsAt, IReadOnlyCollection<Guid> except, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select surgery_id from {schema}.officer_slots where officer_id = @o and slot && tstzrange(@s, @e) and surgery_id <> all(@except) limit 1", conn);
        cmd.Parameters.AddWithValue("o", officerId);
        cmd.Parameters.AddWithValue("s", startsAt.UtcDateTime);
        cmd.Parameters.AddWithValue("e", endsAt.UtcDateTime);
        cmd.Parameters.Add(new NpgsqlParameter("except", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = except.ToArray() });
        return await cmd.ExecuteScalarAsync(ct) as Guid?;
    }

    public static async Task HoldAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, Guid surgeryId, string officerId, DateTimeOffset startsAt, DateTimeOffset endsAt, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"insert into {schema}.officer_slots (surgery_id, officer_id, slot) values (@id, @o, tstzrange(@s, @e)) on conflict (surgery_id) do update set officer_id = excluded.officer_id, slot = excluded.slot",
            conn, tx);
        cmd.Parameters.AddWithValue("id", surgeryId);
        cmd.Parameters.AddWithValue("o", officerId);
        cmd.Parameters.AddWithValue("s", startsAt.UtcDateTime);
        cmd.Parameters.AddWithValue("e", endsAt.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task ReleaseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, Guid surgeryId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"delete from {schema}.officer_slots where surgery_id = @id", conn, tx);
        cmd.Parameters.AddWithValue("id", surgeryId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static ConflictException Clash(Guid clashing, HostOfficer officer)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var e = new ConflictException("officer-clash", "The host officer is already at another surgery at that time.",
            $"{officer.Name} hosts surgery {clashing} at an overlapping time. Choose another time or another host.");
        e.Extensions["clashingSurgeryId"] = clashing;
        e.Extensions["clashingSurgery"] = $"/api/surgeries/{clashing}";
        return e;
    }

    /// <summary>
    /// Saves a session that holds slots; an overlap that slipped past the check (a concurrent schedule) surfaces as the
    /// constraint's violation, and is answered with the clash it really is.
    /// </summary>
    public static async Task SaveAsync(EventStore.EventStore store, EventStore.DocumentSession session, IReadOnlyList<(Guid SurgeryId, HostOfficer Host, DateTimeOffset StartsAt, DateTimeOffset EndsAt)> held, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(held);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            await using var conn = await store.DataSource.OpenConnectionAsync(ct);
            foreach (var h in held)
            {
                if (await FindClashAsync(conn, store.Schema, h.Host.Id, h.StartsAt, h.EndsAt, held.Select(x => x.SurgeryId).ToList(), ct) is { } clash)
                {
                    throw Clash(clash, h.Host);
                }
            }

            throw new ConflictException("officer-clash", "The host officer is already at another surgery at that time.");
        }
    }
}
