using System.Globalization;
using System.Security.Claims;
using Engagement.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Kin;

public static class ViewKeyIndividuals
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>One member in full. The read is refused without a reason, and logged with it.</summary>
    public static async Task<Ok<KinMemberView>> Get(
        Guid id, HttpContext http, ClaimsPrincipal user, EventStore.EventStore store, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var reason = KinAccess.RequireReason(http.Request);
        var doc = await KinStore.LoadAsync(store, id, ct) ?? throw await KinStore.MissingAsync(store, id, ct);
        KinAccess.RequireAreas(user, doc.Profile.Areas);
        await Audit.RecordAsync(store, user, new Audit.Entry("consult", KinStore.AuditSubject, id.ToString(), reason), ct);
        KinTime.SetETag(http, doc.Version);
        return TypedResults.Ok(KinMemberView.From(doc, clock.GetUtcNow()));
    }

    /// <summary>
    /// Members by area and issue, a page at a time in id order. Staff scoped to areas see only members whose areas all
    /// lie within theirs. One audit row per page read names the filter, how many were shown, and their ids.
    /// </summary>
    public static async Task<Ok<KinMemberPage>> List(
        string? area, string? issue, int? limit, Guid? after, HttpContext http, ClaimsPrincipal user, EventStore.EventStore store, AreaDirectory areas,
        TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(store);
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
        var members = new List<string>();
        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (area is not null)
        {
            members.Add("@area = any(k.area_codes)");
            parameters["area"] = area;
        }

        if (issue is not null)
        {
            members.Add("@issue = any(k.issues)");
            parameters["issue"] = issue;
        }

        if (KinAccess.Scope(user) is { } scope)
        {
            members.Add("k.area_codes <@ @scope");
            parameters["scope"] = scope;
        }

        var where = $"id in (select k.member_id from {store.Schema}.kin_members k{(members.Count == 0 ? "" : " where " + string.Join(" and ", members))})";
        if (after is not null)
        {
            where += " and id > @after";
            parameters["after"] = after.Value.ToString();
        }

        var docs = await KinStore.QueryAsync(store, where, parameters, take + 1, ct);
        var page = docs.Take(take).ToList();
        await Audit.RecordAsync(store, user, new Audit.Entry("consult", "kin-register", "list", reason, new
        {
            count = page.Count,
            filter = new { area, issue, after },
            subjectIds = page.Select(d => d.Id.ToString()).ToList(),
        }), ct);

        var now = clock.GetUtcNow();
        var next = docs.Count > take ? NextLink(area, issue, take, page[^1].Id) : null;
        return TypedResults.Ok(new KinMemberPage(page.Select(d => KinMemberSummary.From(d, now)).ToList(), next));
    }

    private static string NextLink(string? area, string? issue, int limit, Guid after)
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

        query.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
        query.Add("after=" + after);
        return "/api/messaging/kin?" + string.Join("&", query);
    }
}
