using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.Profiles.Imports;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Profiles.Communities;

public sealed record CensusCategoryRequest(string? Table, string? Category);

public sealed record RecordCommunityRequest(
    string? Name, IReadOnlyList<CensusCategoryRequest>? CensusCategories, IReadOnlyList<string>? OtherSources, IReadOnlyList<string>? Languages,
    IReadOnlyList<string>? Venues, IReadOnlyList<Guid>? Intermediaries, string? Reason);

/// <summary><c>POST /api/profiles/areas/{code}/communities</c>: an analyst names a community of the area and says what defines it.</summary>
public static class RecordCommunity
{
    public static CommunityRecorded Decide(Community state, Guid id, string areaCode, RecordCommunityRequest request, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var name = errors.Text("name", request.Name, 160);
        var categories = new List<CensusCategoryRef>();
        var asked = request.CensusCategories ?? [];
        for (var i = 0; i < asked.Count; i++)
        {
            if (CensusTables.ByCode(asked[i].Table) is not { } table)
            {
                errors.Add($"censusCategories[{i}].table", $"One of: {string.Join(", ", CensusTables.All.Select(t => t.Code))}.");
                continue;
            }

            categories.Add(new CensusCategoryRef(table.Code, errors.Text($"censusCategories[{i}].category", asked[i].Category, 300)));
        }

        var others = Texts(errors, "otherSources", request.OtherSources, 300);
        if (categories.Count == 0 && others.Count == 0)
        {
            errors.Add("censusCategories", "Say what defines the community: census categories, other sources, or both.");
        }

        var languages = Texts(errors, "languages", request.Languages, 80);
        var venues = Texts(errors, "venues", request.Venues, 200);
        var intermediaries = (request.Intermediaries ?? []).Distinct().ToList();
        if (intermediaries.Count > 50 || intermediaries.Contains(Guid.Empty))
        {
            errors.Add("intermediaries", "At most 50 KIN member ids.");
        }

        var reason = errors.Text("reason", request.Reason, 1000);
        errors.ThrowIfAny();
        if (state.Exists)
        {
            throw new ConflictException("community-exists", "This community is already recorded.");
        }

        return new CommunityRecorded(id, areaCode, name, new CommunityDefinition(categories, others), languages, venues, intermediaries, by, now, reason);
    }

    internal static List<string> Texts(FieldErrors errors, string field, IReadOnlyList<string>? values, int max)
    {
        var list = values ?? [];
        if (list.Count > 30)
        {
            errors.Add(field, "At most 30.");
        }

        return list.Select((v, i) => errors.Text($"{field}[{i}]", v, max)).Distinct(StringComparer.Ordinal).ToList();
    }

    public static async Task<Results<Created<CommunityView>, Ok<CommunityView>>> Handle(
        string code, RecordCommunityRequest request, HttpContext http, ClaimsPrincipal user, AreaDirectory areas, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var area = areas.Find(code) ?? throw new NotFoundException("Area", code);
        user.RequireArea(area.Code);
        var id = http.Request.ResourceId("community");
        var result = await CommandPath.HandleAsync<CommunityDocument>(store, Community.StreamId(id), null, (doc, _) =>
            doc.State.Exists && http.Request.Headers.ContainsKey("Idempotency-Key") ? [] : [Decide(doc.State, id, area.Code, request, user.SubjectId(), clock.GetUtcNow())],
            user: user.SubjectId(), ct: ct);
        http.Response.Headers.ETag = Requests.ETag(result.Version);
        var view = CommunityView.From(result.State.State, result.Version, CommunityView.Today(clock));
        return result.Events.Count > 0 ? TypedResults.Created($"/api/profiles/communities/{id}", view) : TypedResults.Ok(view);
    }
}
