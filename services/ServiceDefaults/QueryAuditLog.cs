using System.Globalization;
using System.Text.Json.Nodes;
using Engagement.MartenAdditions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.ServiceDefaults;

public sealed record AuditEntryView(
    long Id, DateTimeOffset At, string Actor, string? Role, string Action, string SubjectType, string SubjectId, string? Reason, JsonNode? Detail);

/// <summary>Newest first; <c>next</c> is the link to older entries, or null on the last page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntryView> Entries, string? Next);

/// <summary>
/// Admins read the service's personal-data audit log, at <c>{apiPrefix}/audit</c> in every service (mapped once, by
/// <c>MapDefaultEndpoints</c>, so no service can be without it) (DPA 2018 s62): who collected, consulted, changed or erased whose
/// data, when and why. Asking about a subject also finds the list reads that showed it (their detail's
/// <c>subjectIds</c>), so "who has seen this member" has one answer.
/// </summary>
public static class QueryAuditLog
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static async Task<Ok<AuditPage>> Handle(
        string? subjectType, string? subjectId, string? actor, string? action, DateTimeOffset? from, DateTimeOffset? to, int? limit, long? before,
        HttpRequest request, EventStoreSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Between 1 and {MaxLimit}."];
        }

        if (from is not null && to is not null && from > to)
        {
            errors["to"] = ["Must not be before from."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var take = limit ?? DefaultLimit;
        var where = new List<string>();
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand { Connection = conn };
        void Filter(string condition, string name, object? value, NpgsqlDbType type)
        {
            if (value is not null)
            {
                where.Add(condition);
                cmd.Parameters.Add(new NpgsqlParameter(name, type) { Value = value });
            }
        }

        Filter("subject_type = @subjectType", "subjectType", subjectType, NpgsqlDbType.Text);
        Filter("(subject_id = @subjectId or coalesce(detail->'subjectIds', '[]'::jsonb) @> jsonb_build_array(@subjectId))", "subjectId", subjectId, NpgsqlDbType.Text);
        Filter("actor = @actor", "actor", actor, NpgsqlDbType.Text);
        Filter("action = @action", "action", action, NpgsqlDbType.Text);
        Filter("at >= @from", "from", from?.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        Filter("at < @to", "to", to?.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        Filter("id < @before", "before", before, NpgsqlDbType.Bigint);
        cmd.CommandText =
            $"""
            select id, at, actor, role, action, subject_type, subject_id, reason, detail::text from {settings.Schema}.audit_log
            {(where.Count == 0 ? "" : "where " + string.Join(" and ", where))}
            order by id desc limit {(take + 1).ToString(CultureInfo.InvariantCulture)}
            """;

        var entries = new List<AuditEntryView>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                entries.Add(new AuditEntryView(r.GetInt64(0), London.Show(r.GetFieldValue<DateTimeOffset>(1)), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                    r.GetString(4), r.GetString(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : JsonNode.Parse(r.GetString(8))));
            }
        }

        var page = entries.Take(take).ToList();
        var next = entries.Count > take ? NextLink(request.PathBase + request.Path, subjectType, subjectId, actor, action, from, to, take, page[^1].Id) : null;
        return TypedResults.Ok(new AuditPage(page, next));
    }

    private static string NextLink(string path, string? subjectType, string? subjectId, string? actor, string? action, DateTimeOffset? from, DateTimeOffset? to, int limit, long before)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("subjectType", subjectType);
        Add("subjectId", subjectId);
        Add("actor", actor);
        Add("action", action);
        Add("from", from?.ToString("O", CultureInfo.InvariantCulture));
        Add("to", to?.ToString("O", CultureInfo.InvariantCulture));
        Add("limit", limit.ToString(CultureInfo.InvariantCulture));
        Add("before", before.ToString(CultureInfo.InvariantCulture));
        return path + "?" + string.Join("&", query);
    }
}
