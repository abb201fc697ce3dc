using Engagement.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.VisualBasic.FileIO;

namespace Engagement.Profiles.Tests;

/// <summary>
/// The area seed against the census ward list shipped beside it: a profile sums its area's wards, so a ward in no area
/// or in two would silently drop or double-count its residents.
/// </summary>
public sealed class SeedAreasTests
{
    private static readonly AreaDirectory Areas = AreaDirectory.Load(new ConfigurationBuilder().Build());

    public static string SeedPath(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine([dir.FullName, "seeds", .. parts]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"seeds/{string.Join('/', parts)} was not found above {AppContext.BaseDirectory}");
    }

    /// <summary>ward_code → (ward_name, district_code), read with a real CSV parser: some names hold quoted commas.</summary>
    private static Dictionary<string, (string Name, string District)> CensusWards()
    {
        using var parser = new TextFieldParser(SeedPath("census2021", "wards.csv")) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!;
        Assert.Equal(["ward_code", "ward_name", "district_code", "district_name", "source"], header);
        var wards = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        while (parser.ReadFields() is { } row)
        {
            wards.Add(row[0], (row[1], row[2]));
        }

        return wards;
    }

    [Fact]
    public void every_one_of_the_189_census_wards_belongs_to_exactly_one_area()
    {
        var census = CensusWards();
        Assert.Equal(189, census.Count);
        var seeded = Areas.All.SelectMany(a => a.Wards.Select(w => w.Code)).ToList();
        Assert.Empty(seeded.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(census.Keys.Except(seeded));
        Assert.Empty(seeded.Except(census.Keys));
    }

    [Fact]
    public void ward_names_and_districts_match_the_census_list()
    {
        var census = CensusWards();
        foreach (var area in Areas.All)
        {
            Assert.Matches("^E0[67][0-9]{6}$", area.DistrictCode);
            foreach (var ward in area.Wards)
            {
                Assert.Equal(census[ward.Code].Name, ward.Name);
                Assert.True(census[ward.Code].District == area.DistrictCode, $"{ward.Code} {ward.Name} is in {census[ward.Code].District}, not {area.Code}'s {area.DistrictCode}");
            }
        }
    }

    [Fact]
    public void the_area_codes_other_services_use_are_kept()
    {
        foreach (var code in new[] { "bulwell", "meadows", "st-anns", "berridge", "radford", "hyson-green-arboretum", "west-bridgford", "mansfield", "newark" })
        {
            Assert.True(Areas.Exists(code), code);
        }

        Assert.Equal(47, Areas.All.Count);
        Assert.Equal("E05012272", Areas.Find("berridge")!.Wards.Single().Code);
    }
}
