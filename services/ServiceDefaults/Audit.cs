using System.Security.Claims;
using System.Text.Json;
using Npgsql;

namespace Engagement.ServiceDefaults;

/// <summary>
/// The personal-data audit log (DPA 2018 s62): every collection, consultation, change, disclosure and erasure of
/// personal data, with who, when and why. It lives in the service's own database, beside the data it describes; a
/// change is recorded in the same transaction as the change itself.
/// </summary>
public static class Audit
{
    public const string Component = "audit";

    public static readonly string[] Migrations =
    [
        """
        create table {schema}.audit_log (
            id bigserial primary key,
            at timestamptz not null default now(),
            actor text not null,
            role text,
            action text not null,
            subject_type text not null,
            subject_id text not null,
            reason text,
            detail jsonb);
        create index audit_log_subject on {schema}.audit_log (subject_type, subject_id);
        create index audit_log_at on {schema}.audit_log (at);
        """,
    ];

    public sealed record Entry(string Action, string SubjectType, string SubjectId, string? Reason = null, object? Detail = null);

    /// <summary>An entry whose actor is known only by name (a batch acts for many people, none of them the caller).</summary>
    public sealed record Row(string Actor, string? Role, Entry Entry);

    /// <summary>
    /// Many entries in one statement: a batch that collects or discloses for hundreds of people records a row for each
    /// without a round trip for each.
    /// </summary>
    public static async Task RecordManyAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string schema, IReadOnlyCollection<Row> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        await using var cmd = new NpgsqlCommand(
            $"""
            insert into {schema}.audit_log (actor, role, action, subject_type, subject_id, reason, detail)
            select actor, role, action, type, id, reason, detail::jsonb
            from unnest(@actor, @role, @action, @type, @id, @reason, @detail) as r(actor, role, action, type, id, reason, detail)
            """,
            conn, tx);
        cmd.Parameters.AddWithValue("actor", rows.Select(r => r.Actor).ToArray());
        cmd.Parameters.AddWithValue("role", rows.Select(r => r.Role).ToArray());
        cmd.Parameters.AddWithValue("action", rows.Select(r => r.Entry.Action).ToArray());
        cmd.Parameters.AddWithValue("type", rows.Select(r => r.Entry.SubjectType).ToArray());
        cmd.Parameters.AddWithValue("id", rows.Select(r => r.Entry.SubjectId).ToArray());
        cmd.Parameters.AddWithValue("reason", rows.Select(r => r.Entry.Reason).ToArray());
        cmd.Parameters.AddWithValue("detail", rows.Select(r => r.Entry.Detail is null ? null : JsonSerializer.Serialize(r.Entry.Detail)).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task RecordAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string schema, ClaimsPrincipal? actor, Entry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var cmd = new NpgsqlCommand(
            $"insert into {schema}.audit_log (actor, role, action, subject_type, subject_id, reason, detail) values (@actor, @role, @action, @type, @id, @reason, @detail::jsonb)",
            conn, tx);
        cmd.Parameters.AddWithValue("actor", actor?.FindFirst("sub")?.Value ?? "system");
        cmd.Parameters.AddWithValue("role", (object?)actor?.FindFirst("role")?.Value ?? DBNull.Value);
        cmd.Parameters.AddWithValue("action", entry.Action);
        cmd.Parameters.AddWithValue("type", entry.SubjectType);
        cmd.Parameters.AddWithValue("id", entry.SubjectId);
        cmd.Parameters.AddWithValue("reason", (object?)entry.Reason ?? DBNull.Value);
        cmd.Parameters.AddWithValue("detail", entry.Detail is null ? DBNull.Value : JsonSerializer.Serialize(entry.Detail));
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
