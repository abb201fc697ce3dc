using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.Profiles.Communities;
using Engagement.Profiles.Imports;
using Engagement.Profiles.Reading;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Engagement.Profiles.Versions;

public sealed record PublishRequest(string? Reason);

/// <summary>
/// <c>POST /api/profiles/areas/{code}/versions</c>: an analyst publishes the area's profile as it stands. The new
/// version carries its counts and its difference from the previous one; publishing emits CommunityProfileRefreshed.
/// </summary>
public static class PublishProfile
{
    /// <summary>The census groups a version counts: those the area's own wards are published for.</summary>
    private static readonly string[] GroupTables = ["TS021", "TS030"];

    public static ProfilePublished Decide(PublishedProfile state, string areaCode, ProfileCounts counts, VersionThresholds thresholds, string reason, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(thresholds);
        var errors = new FieldErrors();
        var why = errors.Text("reason", reason, 1000);
        errors.ThrowIfAny();
        return new ProfilePublished(areaCode, state.Versions.Count + 1, counts, Diff(state.Latest?.Counts, counts, thresholds), by, now, why);
    }

    /// <summary>Against no previous version, every group is new and nothing has grown.</summary>
    public static ProfileDiff Diff(ProfileCounts? before, ProfileCounts after, VersionThresholds t)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(t);
        var old = (before?.Groups ?? []).ToDictionary(g => (g.Table, g.Category));
        var newGroups = after.Groups.Where(g => g.Count > 0 && (!old.TryGetValue((g.Table, g.Category), out var o) || o.Count == 0)).ToList();
        var grown = new List<GroupGrowth>();
        var crossed = new List<ThresholdCrossed>();
        foreach (var g in after.Groups)
        {
            if (!old.TryGetValue((g.Table, g.Category), out var o))
            {
                continue;
            }

            if (o.Count > 0 && g.Count - o.Count >= t.MinGrowthCount && (g.Count - o.Count) * 100m / o.Count >= t.GrowthPercent)
            {
                grown.Add(new GroupGrowth(g.Table, g.Category, o.Count, g.Count));
            }

            foreach (var share in t.SharePercents)
            {
                var wasAbove = (o.Percentage ?? 0) >= share;
                var isAbove = (g.Percentage ?? 0) >= share;
                if (wasAbove != isAbove)
                {
                    crossed.Add(new ThresholdCrossed(g.Table, g.Category, share, isAbove ? "up" : "down", o.Percentage, g.Percentage));
                }
            }
        }

        var newCommunities = after.NamedCommunities.Except(before?.NamedCommunities ?? [], StringComparer.Ordinal).ToList();
        return new ProfileDiff(newGroups, grown, crossed, newCommunities, t);
    }

    public static async Task<Created<VersionSummary>> Handle(
        string code, PublishRequest request, ClaimsPrincipal user, AreaDirectory areas, CensusFigures figures, IDocumentStore store,
        IOptions<VersionThresholds> thresholds, TimeProvider clock, CancellationToken ct)
    {
        var area = areas.Find(code) ?? throw new NotFoundException("Area", code);
        user.RequireArea(area.Code);
        var counts = await CountAsync(area, areas, figures, store, ct);
        var result = await CommandPath.HandleAsync<PublishedProfileDocument>(store, PublishedProfile.StreamId(area.Code), null,
            (doc, _) => [Decide(doc.State, area.Code, counts, thresholds.Value, request.Reason ?? "", user.SubjectId(), clock.GetUtcNow())],
            user: user.SubjectId(), ct: ct);
        var latest = result.State.State.Latest!;
        return TypedResults.Created($"/api/profiles/areas/{area.Code}/versions/{latest.Version}", latest);
    }

    private static async Task<ProfileCounts> CountAsync(Area area, AreaDirectory areas, CensusFigures figures, IDocumentStore store, CancellationToken ct)
    {
        var current = await figures.CurrentAsync(ct);
        var ethnic = await figures.TableAsync(current, "TS021", ct);
        var households = await figures.TableAsync(current, "TS054", ct);
        if (ethnic is null || households is null || ethnic.Dataset.GeographyLevel != "ward" || households.Dataset.GeographyLevel != "ward")
        {
            throw new ConflictException("census-not-imported", "The census tables a profile needs are not imported yet.",
                "Import TS021 (ethnic group) and TS054 (tenure) at ward level first: ./engage import-census FILE...");
        }

        var groups = new List<GroupCount>();
        var datasets = new List<Guid>();
        foreach (var table in GroupTables)
        {
            if (await figures.TableAsync(current, table, ct) is not { Dataset.GeographyLevel: "ward" } loaded)
            {
                continue;
            }

            datasets.Add(loaded.Dataset.Id);
            var section = ViewProfile.Build(area, areas, CensusTables.ByCode(table)!, loaded);
            groups.AddRange(section.Figures.SelectMany(f => f.Children.Prepend(f)).Select(f => new GroupCount(table, f.Label, f.Count, f.Percentage)));
        }

        var population = ViewProfile.Build(area, areas, CensusTables.ByCode("TS021")!, ethnic).Total.Count;
        var homes = ViewProfile.Build(area, areas, CensusTables.ByCode("TS054")!, households).Total.Count;
        datasets.Add(households.Dataset.Id);
        await using var session = store.QuerySession();
        var communities = (await session.Query<CommunityDocument>().Where(d => d.State.AreaCode == area.Code).ToListAsync(ct))
            .Select(d => d.State.Name).Order(StringComparer.Ordinal).ToList();
        return new ProfileCounts(population, homes, groups, communities, datasets.Distinct().ToList());
    }

    /// <summary><c>GET /api/profiles/areas/{code}/versions</c>: every published version, newest first.</summary>
    public static async Task<IResult> List(string code, AreaDirectory areas, IQuerySession session, CancellationToken ct)
    {
        var area = areas.Find(code) ?? throw new NotFoundException("Area", code);
        var doc = await session.LoadAsync<PublishedProfileDocument>(PublishedProfile.StreamId(area.Code), ct);
        return TypedResults.Ok((doc?.State.Versions ?? []).AsEnumerable().Reverse().ToList());
    }
}
