using System.Text.Json;
using Engagement.Profiles.Imports;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Engagement.ServiceDefaults;

namespace Engagement.Profiles.Reading;

public sealed record Share(long Count, decimal? Percentage);

public sealed record WardFigure(string Code, string Name, long Count, decimal? Percentage);

public sealed record PlaceFigure(string Code, string Name, long Count, decimal? Percentage);

/// <param name="Wards">Empty for local-authority tables, which are never apportioned to wards.</param>
public sealed record Figure(string Label, string Name, long Count, decimal? Percentage, IReadOnlyList<WardFigure> Wards, PlaceFigure District,
    Share Nottinghamshire, IReadOnlyList<Figure> Children);

public sealed record Source(string Table, string Title, string Date, string GeographyLevel, string Licence, Guid DatasetId, DateTimeOffset? ImportedAt);

/// <param name="Figures">Level-1 categories, each with its subcategories; percentages are of the section's total in the same place.</param>
/// <param name="Combinations">Columns the table derives from others (TS054's); shown for reference, never part of a sum.</param>
public sealed record Section(string Universe, bool LocalAuthorityFigures, string? Note, Source Source, Figure Total, IReadOnlyList<Figure> Figures, IReadOnlyList<Figure> Combinations);

public sealed record AreaRef(string Code, string Name, string District, string DistrictCode, IReadOnlyList<Ward> Wards);

public sealed record Profile(AreaRef Area, Figure? Population, Figure? Households, Section? EthnicGroups, Section? Religion, Section? Tenure,
    Section? Languages, Section? ProficiencyInEnglish, IReadOnlyList<string> NotYetImported);

/// <summary>
/// <c>GET /api/profiles/areas/{code}</c>: the area's wards summed, beside its district and Nottinghamshire (Nottingham
/// and the seven county districts, the force area). Census figures are public statistics, so any member of staff may
/// read any area's profile; residents may not.
/// </summary>
public static class ViewProfile
{
    public static async Task<IResult> Handle(string code, AreaDirectory areas, CensusFigures figures, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var area = areas.Find(code) ?? throw new NotFoundException("Area", code);
        var current = await figures.CurrentAsync(ct);
        // A profile is about 50 KB of JSON and changes only with an import, so it is made and serialised once per import.
        var body = await figures.MemoAsync($"profile:{area.Code}", current, async () =>
            JsonSerializer.SerializeToUtf8Bytes(await MakeAsync(area, areas, figures, current, CancellationToken.None), json.Value.SerializerOptions));
        return TypedResults.Bytes(body, "application/json; charset=utf-8");
    }

    private static async Task<Profile> MakeAsync(Area area, AreaDirectory areas, CensusFigures figures, IReadOnlyList<CensusStore.Dataset> current, CancellationToken ct)
    {
        var sections = new Dictionary<string, Section?>(StringComparer.Ordinal);
        foreach (var table in CensusTables.All)
        {
            sections[table.Code] = await figures.TableAsync(current, table.Code, ct) is { } loaded ? Build(area, areas, table, loaded) : null;
        }

        return new Profile(
            new AreaRef(area.Code, area.Name, area.District, area.DistrictCode, area.Wards),
            sections["TS021"]?.Total, sections["TS054"]?.Total,
            sections["TS021"], sections["TS030"], sections["TS054"], sections["TS024"], sections["TS029"],
            sections.Where(s => s.Value is null).Select(s => s.Key).ToList());
    }

    public static Section Build(Area area, AreaDirectory areas, KnownTable table, LoadedDataset loaded)
    {
        var d = loaded.Dataset;
        var tree = d.Categories;
        var local = d.GeographyLevel != "ward";
        var districtWards = areas.All.Where(a => a.DistrictCode == area.DistrictCode).SelectMany(a => a.Wards).ToList();
        var allWards = areas.All.SelectMany(a => a.Wards).ToList();
        var districtCodes = areas.All.Select(a => a.DistrictCode).Distinct().ToList();

        long[] Sum(IEnumerable<string> codes)
        {
            var total = new long[tree.Count];
            foreach (var c in codes)
            {
                if (loaded.Values.TryGetValue(c, out var v))
                {
                    for (var i = 0; i < total.Length; i++)
                    {
                        total[i] += v[i];
                    }
                }
            }

            return total;
        }

        // A local-authority table has no ward rows: the area's figures are its district's, and say so.
        var here = local ? Sum([area.DistrictCode]) : Sum(area.Wards.Select(w => w.Code));
        var district = local ? here : Sum(districtWards.Select(w => w.Code));
        var county = local ? Sum(districtCodes) : Sum(allWards.Select(w => w.Code));
        var wards = local ? [] : area.Wards.Select(w => (w, loaded.Values.GetValueOrDefault(w.Code) ?? new long[tree.Count])).ToList();

        Figure Make(Category c) => new(
            c.Label, c.Name, here[c.Index], Percent(here[c.Index], here[0]),
            wards.Select(x => new WardFigure(x.w.Code, x.w.Name, x.Item2[c.Index], Percent(x.Item2[c.Index], x.Item2[0]))).ToList(),
            new PlaceFigure(area.DistrictCode, area.District, district[c.Index], Percent(district[c.Index], district[0])),
            new Share(county[c.Index], Percent(county[c.Index], county[0])),
            tree.Where(child => child.Parent == c.Index && !child.Derived && c.Index != 0).Select(Make).ToList());

        var note = local
            ? $"{table.Code} is published for local authorities only: these are {area.District}'s figures, not {area.Name}'s, and they are not divided among wards."
            : null;
        return new Section(d.Universe, local, note, new Source(d.Table, d.Title, d.Release, d.GeographyLevel, d.Licence, d.Id, d.ImportedAt),
            Make(tree[0]), tree.Where(c => c.Level == 1 && !c.Derived).Select(Make).ToList(), tree.Where(c => c.Derived).Select(Make).ToList());
    }

    private static decimal? Percent(long count, long total) => total == 0 ? null : Math.Round(100m * count / total, 2);
}
