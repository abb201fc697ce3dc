using System.Globalization;
using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.Messaging.Kin;

public static class ViewKeyIndividuals
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>One member in full. The read is refused without a reason, and logged with it.</summary>
    public static async Task<Ok<KinMemberView>> Get(
        Guid id, HttpContext http, ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var reason = KinAccess.RequireReason(http.Request);
        var doc = await KinStore.LoadAsync(session, id, ct) ?? throw await KinStore.MissingAsync(session, id, ct);
        KinAccess.RequireAreas(user, doc.Profile.Areas);
        await settings.ConsultedAsync(user, new Audit.Entry("consult", KinStore.AuditSubject, id.ToString(), reason), ct);
        KinTime.SetETag(http, doc.Version);
        return TypedResults.Ok(KinMemberView.From(doc, clock.GetUtcNow()));
    }

    /// <summary>
    /// Members by area, issue and part of the name, a page at a time in id order. Staff scoped to areas see only members
    /// whose areas all lie within theirs. One audit row per page read names the filter (whether a name was searched for,
    /// never the name itself), how many were shown, and their ids.
    /// </summary>
    public static async Task<Ok<KinMemberPage>> List(
        string? area, string? issue, string? name, int? limit, Guid? after, HttpContext http, ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings,
        AreaDirectory areas, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(areas);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (area is not null && !areas.Exists(area))
        {
            errors["area"] = [$"'{area}' is not a Neighbourhood Policing Area."];
        }

        if (issue is not null && !KinRules.Issues.Contains(issue))
        {
            errors["issue"] = [$"Must be one of {string.Join(", ", KinRules.Issues)}."];
        }

        name = name?.Trim();
        if (name is not null && name.Length is 0 or > KinNameSearch.MaxLength)
        {
            errors["name"] = [$"Part of a name, 1 to {KinNameSearch.MaxLength} characters; leave name out to list everyone."];
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Between 1 and {MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var reason = KinAccess.RequireReason(http.Request);
        if (area is not null)
        {
            user.RequireArea(area);
        }

        var take = limit ?? DefaultLimit;
        var docs = await FindAsync(session, settings, area, issue, name, KinAccess.Scope(user), after, take + 1, ct);
        var page = docs.Take(take).ToList();
        await settings.ConsultedAsync(user, new Audit.Entry("consult", "kin-register", "list", reason, new
        {
            count = page.Count,
            filter = new { area, issue, after, nameSearched = name is not null },
            subjectIds = page.Select(d => d.MemberId.ToString()).ToList(),
        }), ct);

        var now = clock.GetUtcNow();
        var next = docs.Count > take ? NextLink(area, issue, name, take, page[^1].MemberId) : null;
        return TypedResults.Ok(new KinMemberPage(page.Select(d => KinMemberSummary.From(d, now)).ToList(), next));
    }

    /// <summary>
    /// Up to <paramref name="limit"/> members after <paramref name="after"/>: straight from the targeting table, or, when a
    /// name is searched for, decrypted a batch at a time and matched by <see cref="KinNameSearch"/> until the page is full.
    /// </summary>
    private static async Task<IReadOnlyList<KinMemberDocument>> FindAsync(
        IQuerySession session, EventStoreSettings settings, string? area, string? issue, string? name, string[]? scope, Guid? after, int limit,
        CancellationToken ct)
    {
        if (name is null)
        {
            return await KinStore.LoadManyAsync(session, await MemberIdsAsync(settings, area, issue, scope, after, limit, ct), ct);
        }

        var found = new List<KinMemberDocument>();
        while (found.Count < limit)
        {
            var ids = await MemberIdsAsync(settings, area, issue, scope, after, KinNameSearch.ScanBatch, ct);
            found.AddRange((await KinStore.LoadManyAsync(session, ids, ct)).Where(d => KinNameSearch.Matches(d.Person!.Name, name)));
            if (ids.Count < KinNameSearch.ScanBatch)
            {
                break;
            }

            after = ids[^1];
        }

        return found.Take(limit).ToList();
    }

    /// <summary>The ids of the members a page shows, from the targeting table, in id order.</summary>
    private static async Task<IReadOnlyList<Guid>> MemberIdsAsync(
        EventStoreSettings settings, string? area, string? issue, string[]? scope, Guid? after, int limit, CancellationToken ct)
    {
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            select member_id from {settings.Schema}.kin_members k
            where (@area::text is null or @area = any(k.area_codes)) and (@issue::text is null or @issue = any(k.issues))
              and (@scope::text[] is null or k.area_codes <@ @scope) and (@after::text is null or k.member_id > @after)
            order by k.member_id limit @limit
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter("area", NpgsqlDbType.Text) { Value = (object?)area ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("issue", NpgsqlDbType.Text) { Value = (object?)issue ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("scope", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)scope ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("after", NpgsqlDbType.Text) { Value = (object?)after?.ToString() ?? DBNull.Value });
        cmd.Parameters.AddWithValue("limit", limit);
        var ids = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            ids.Add(Guid.Parse(r.GetString(0)));
        }

        return ids;
    }

    private static string NextLink(string? area, string? issue, string? name, int limit, Guid after)
    {
        var query = new List<string>();
        if (area is not null)
        {
            query.Add("area=" + Uri.EscapeDataString(area));
        }

        if (issue is not null)
        {
            query.Add("issue=" + Uri.EscapeDataString(issue));
        }

        if (name is not null)
        {
            query.Add("name=" + Uri.EscapeDataString(name));
        }

        query.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
        query.Add("after=" + after);
        return "/api/messaging/kin?" + string.Join("&", query);
    }
}
