using System.Globalization;
using System.Net;
using System.Text;
using Engagement.Profiles.Imports;
using Engagement.ServiceDefaults;

namespace Engagement.Profiles.Reading;

/// <summary>
/// <c>GET /api/profiles/areas/{code}/page</c>: the profile on one printable page for briefings, with bar charts drawn
/// here as SVG so that it prints the same anywhere, needs no script and nothing from another site.
/// </summary>
public static class ProfilePage
{
    private const int BarWidth = 260;

    public static async Task<IResult> Handle(string code, AreaDirectory areas, CensusFigures figures, CancellationToken ct)
    {
        var area = areas.Find(code) ?? throw new NotFoundException("Area", code);
        var current = await figures.CurrentAsync(ct);
        var sections = new List<(KnownTable Table, Section Section)>();
        foreach (var table in CensusTables.All)
        {
            if (await figures.TableAsync(current, table.Code, ct) is { } loaded)
            {
                sections.Add((table, ViewProfile.Build(area, areas, table, loaded)));
            }
        }

        return Results.Content(Render(area, sections), "text/html; charset=utf-8");
    }

    public static string Render(Area area, IReadOnlyList<(KnownTable Table, Section Section)> sections)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!doctype html>
            <html lang="en-GB"><head><meta charset="utf-8"><title>Community profile: {{E(area.Name)}}</title>
            <style>
            body{font:11pt/1.35 system-ui,sans-serif;margin:1.5cm;color:#111} h1{margin:0 0 .2em} h2{font-size:12pt;margin:1em 0 .3em}
            .meta,.note,.source{color:#444;font-size:9pt} table{border-collapse:collapse} td{padding:1px 6px;vertical-align:middle}
            td.n{text-align:right;font-variant-numeric:tabular-nums} .key span{display:inline-block;width:10px;height:10px;margin:0 3px 0 10px}
            @page{size:A4;margin:1cm} section{break-inside:avoid}
            </style></head><body>
            <h1>{{E(area.Name)}}</h1>
            <p class="meta">{{E(area.District)}} ({{E(area.DistrictCode)}}). Wards: {{E(string.Join(", ", area.Wards.Select(w => $"{w.Name} ({w.Code})")))}}.</p>
            <p class="key"><span style="background:#1d4e89"></span>this area<span style="background:#7aa6d6"></span>{{E(area.District)}}<span style="background:#c9c9c9"></span>Nottinghamshire</p>
            """);
        foreach (var (table, section) in sections)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section><h2>{E(table.Title)} ({E(section.Universe)}: {section.Total.Count:N0})</h2>");
            if (section.Note is { } note)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{E(note)}</p>");
            }

            // Broad categories only, largest first: a briefing page, not the full table (the API has every figure).
            html.Append("<table>");
            foreach (var f in section.Figures.OrderByDescending(f => f.Count).Take(12))
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{E(f.Name)}</td><td class=\"n\">{f.Count:N0}</td><td class=\"n\">{Pct(f.Percentage)}</td><td>{Bars(f)}</td></tr>");
            }

            html.Append(CultureInfo.InvariantCulture,
                $"</table><p class=\"source\">Source: ONS Census 2021, {E(section.Source.Table)} {E(section.Source.Title)} ({E(section.Source.Date)}), {E(section.Source.GeographyLevel)} figures, {E(section.Source.Licence)}.</p></section>");
        }

        if (sections.Count == 0)
        {
            html.Append("<p>No census tables are imported yet.</p>");
        }

        html.Append("<p class=\"source\">Contains public sector information licensed under the Open Government Licence v3.0.</p></body></html>");
        return html.ToString();
    }

    private static string Bars(Figure f)
    {
        string Bar(int y, decimal? pct, string colour) => string.Create(CultureInfo.InvariantCulture,
            $"<rect x=\"0\" y=\"{y}\" width=\"{Math.Round((pct ?? 0) / 100m * BarWidth, 1)}\" height=\"5\" fill=\"{colour}\"/>");
        return string.Create(CultureInfo.InvariantCulture,
            $"<svg width=\"{BarWidth}\" height=\"17\" role=\"img\" aria-label=\"{E(f.Name)}: {Pct(f.Percentage)} here, {Pct(f.District.Percentage)} in the district, {Pct(f.Nottinghamshire.Percentage)} in Nottinghamshire\">")
            + Bar(0, f.Percentage, "#1d4e89") + Bar(6, f.District.Percentage, "#7aa6d6") + Bar(12, f.Nottinghamshire.Percentage, "#c9c9c9") + "</svg>";
    }

    private static string Pct(decimal? p) => p is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
