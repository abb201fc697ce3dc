using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.Surgeries.Scheduling;

/// <summary>
/// The rule that a host officer is never at two overlapping surgeries, held by PostgreSQL itself: an exclusion
/// constraint over (officer, time range). Two schedules racing for the same officer cannot both commit, whatever the
/// interleaving; the clashing surgery is looked up only to name it in the answer.
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

    private static async Task<Guid?> FindClashAsync(NpgsqlConnection conn, string schema, OfficerSlot slot, IReadOnlyCollection<Guid> except, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select surgery_id from {schema}.officer_slots where officer_id = @o and slot && tstzrange(@s, @e) and surgery_id <> all(@except) limit 1", conn);
        cmd.Parameters.AddWithValue("o", slot.Host.Id);
        cmd.Parameters.AddWithValue("s", slot.StartsAt.UtcDateTime);
        cmd.Parameters.AddWithValue("e", slot.EndsAt.UtcDateTime);
        cmd.Parameters.Add(new NpgsqlParameter("except", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = except.ToArray() });
        return await cmd.ExecuteScalarAsync(ct) as Guid?;
    }

    /// <summary>
    /// Holds each surgery's slot in the session's transaction, so the slots commit with the events or not at all. The
    /// constraint is the check: a concurrent schedule for the same officer waits on the first one's row and fails when
    /// it commits, and that failure is answered with the clash it really is.
    /// </summary>
    public static async Task HoldAsync(IDocumentSession session, EventStoreSettings settings, IReadOnlyList<OfficerSlot> slots, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(slots);
        var conn = await session.ConnectionInTransactionAsync(ct);
        try
        {
            foreach (var slot in slots)
            {
                await using var cmd = new NpgsqlCommand(
                    $"insert into {settings.Schema}.officer_slots (surgery_id, officer_id, slot) values (@id, @o, tstzrange(@s, @e)) on conflict (surgery_id) do update set officer_id = excluded.officer_id, slot = excluded.slot",
                    conn);
                cmd.Parameters.AddWithValue("id", slot.SurgeryId);
                cmd.Parameters.AddWithValue("o", slot.Host.Id);
                cmd.Parameters.AddWithValue("s", slot.StartsAt.UtcDateTime);
                cmd.Parameters.AddWithValue("e", slot.EndsAt.UtcDateTime);
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            // The session's transaction is aborted; the clashing surgery has committed, so a connection of its own sees it.
            await using var read = await settings.DataSource.OpenConnectionAsync(ct);
            var ours = slots.Select(s => s.SurgeryId).ToList();
            foreach (var slot in slots)
            {
                if (await FindClashAsync(read, settings.Schema, slot, ours, ct) is { } clash)
                {
                    throw Clash(clash, slot.Host);
                }
            }

            throw new ConflictException("officer-clash", "The host officer is already at another surgery at that time.");
        }
    }

    /// <summary>A cancelled surgery frees its officer, in the same transaction as the cancellation.</summary>
    public static async Task ReleaseAsync(IDocumentSession session, string schema, Guid surgeryId, CancellationToken ct)
    {
        var conn = await session.ConnectionInTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand($"delete from {schema}.officer_slots where surgery_id = @id", conn);
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
}

/// <summary>Who hosts a surgery, and when: what the officer slots hold.</summary>
public sealed record OfficerSlot(Guid SurgeryId, HostOfficer Host, DateTimeOffset StartsAt, DateTimeOffset EndsAt)
{
    public static OfficerSlot Of(Surgery s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new OfficerSlot(s.Id, s.Host, s.StartsAt, s.EndsAt);
    }

    public static OfficerSlot Of(SurgeryScheduled s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new OfficerSlot(s.SurgeryId, s.HostOfficer, s.StartsAt, s.EndsAt);
    }
}
