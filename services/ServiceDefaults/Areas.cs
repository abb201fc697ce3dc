using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Engagement.ServiceDefaults;

/// <summary>A Census 2021 ward (2022 ward set): its GSS code, which is what joins to census tables, and the name Nomis gives it.</summary>
public sealed record Ward(string Code, string Name);

/// <param name="DistrictCode">The district's GSS code (local-authority census tables are keyed by it).</param>
public sealed record Area(string Code, string Name, string District, IReadOnlyList<Ward> Wards, IReadOnlyList<string> PostcodeSectors, string DistrictCode = "");

/// <summary>
/// Neighbourhood Policing Areas from <c>seeds/areas.json</c>. Areas rarely change, so every service loads the file at
/// startup rather than asking another service.
/// </summary>
public sealed partial class AreaDirectory
{
    private readonly Dictionary<string, Area> _byCode;
    private readonly Dictionary<string, Area> _bySector;

    public AreaDirectory(IReadOnlyList<Area> areas)
    {
        ArgumentNullException.ThrowIfNull(areas);
        All = areas;
        _byCode = areas.ToDictionary(a => a.Code, StringComparer.Ordinal);
        _bySector = areas.SelectMany(a => a.PostcodeSectors.Select(s => (s, a))).ToDictionary(x => x.s, x => x.a, StringComparer.Ordinal);
    }

    public IReadOnlyList<Area> All { get; }

    public bool Exists(string? code) => code is not null && _byCode.ContainsKey(code);

    public Area? Find(string? code) => code is not null && _byCode.TryGetValue(code, out var a) ? a : null;

    /// <summary>The area whose postcode sector (outward code and first inward digit) holds the postcode, if any.</summary>
    public Area? ForPostcode(string postcode) =>
        NormalisePostcode(postcode) is { } p && _bySector.TryGetValue(p[..^2], out var a) ? a : null;

    [GeneratedRegex("^(GIR 0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-Z]? [0-9][ABD-HJLNP-UW-Z]{2})$")]
    private static partial Regex UkPostcode();

    /// <summary>Upper case with one space before the inward code, or null when it is not a valid UK postcode.</summary>
    public static string? NormalisePostcode(string? postcode)
    {
        if (string.IsNullOrWhiteSpace(postcode))
        {
            return null;
        }

        var compact = new string(postcode.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant();
        if (compact.Length is < 5 or > 7)
        {
            return null;
        }

        var formatted = compact[..^3] + " " + compact[^3..];
        return UkPostcode().IsMatch(formatted) ? formatted : null;
    }

    public static AreaDirectory Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var path = configuration["Seeds:Areas"] ?? FindUpwards(Path.Combine("seeds", "areas.json"))
            ?? throw new FileNotFoundException("seeds/areas.json was not found; set Seeds:Areas to its path.");
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize<SeedFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
                   ?? throw new InvalidDataException($"{path} is empty.");
        return new AreaDirectory(file.Areas);
    }

    private static string? FindUpwards(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private sealed record SeedFile(IReadOnlyList<Area> Areas);
}
