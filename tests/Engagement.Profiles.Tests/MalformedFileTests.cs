using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.Testing;

namespace Engagement.Profiles.Tests;

/// <summary>A malformed file of each kind is a 400 naming its line and column, and nothing of it is kept.</summary>
public sealed class MalformedFileTests(ProfilesFixture f) : IClassFixture<ProfilesFixture>
{
    private static readonly string Ts021 = Encoding.UTF8.GetString(ProfilesFixture.Shipped("census2021-ts021-ward-nottinghamshire.csv"));

    /// <summary>The shipped TS021 with one line (1-based) changed.</summary>
    private static byte[] WithLine(int line, Func<string, string> change)
    {
        var lines = Ts021.Split('\n');
        lines[line - 1] = change(lines[line - 1]);
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    public static TheoryData<string, int, int> Cases => new()
    {
        // what, line, column
        { "ragged", 5, 28 },
        { "not-a-count", 7, 5 },
        { "negative", 7, 5 },
        { "not-a-census-table", 1, 1 },
        { "unknown-topic", 1, 4 },
        { "bad-geography-code", 9, 3 },
        { "children-do-not-sum", 173, 20 },
        { "long-layout-missing-category", 4, 3 },
    };

    private static byte[] Body(string kind) => kind switch
    {
        "ragged" => WithLine(5, l => l[..l.LastIndexOf(',')]),
        "not-a-count" => WithLine(7, l => ReplaceField(l, 4, "12a")),
        "negative" => WithLine(7, l => ReplaceField(l, 4, "-3")),
        "not-a-census-table" => Encoding.UTF8.GetBytes("name,email\nJo,jo@example.org\n"),
        "unknown-topic" => Encoding.UTF8.GetBytes("date,geography,geography code,Hair colour: Total: All usual residents,Hair colour: Red\n2021,Berridge,E05012272,10,10\n"),
        "bad-geography-code" => WithLine(9, l => ReplaceField(l, 2, "BERRIDGE")),
        // Berridge's White: Roma (column 24) one higher, so White's subcategories (column 20) no longer sum to White.
        "children-do-not-sum" => WithLine(173, l => ReplaceField(l, 23, (long.Parse(Field(l, 23), System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))),
        "long-layout-missing-category" => Encoding.UTF8.GetBytes(
            "GEOGRAPHY_CODE,GEOGRAPHY_NAME,C2021_RELIGION_10_NAME,OBS_VALUE\nE05012272,Berridge,Total: All usual residents,10\nE05012272,Berridge,Christian,10\nE05012273,Bestwood,Total: All usual residents,5\n"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string Field(string line, int index) => SplitPlain(line)[index];

    private static string ReplaceField(string line, int index, string value)
    {
        var fields = SplitPlain(line);
        fields[index] = value;
        return string.Join(',', fields);
    }

    /// <summary>Ward rows of TS021 quote nothing except names with commas, which these tests never pick.</summary>
    private static string[] SplitPlain(string line) => line.Split(',');

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task is_rejected_with_its_line_and_column_and_nothing_is_kept(string kind, int line, int column)
    {
        var response = await f.PostAsync(Body(kind));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.BodyAsync();
        Assert.Equal("https://engagement.example/problems/malformed-census-file", problem["type"]!.GetValue<string>());
        Assert.Equal(line, problem["line"]!.GetValue<int>());
        Assert.Equal(column, problem["column"]!.GetValue<int>());
        Assert.Contains($"Line {line}, column {column}", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await f.CountAsync("select count(*) from profiles.census_datasets"));
        Assert.Equal(0, await f.CountAsync("select count(*) from profiles.census_figures"));
        Assert.Equal(0, await f.CountAsync("select count(*) from profiles.mt_events"));
    }

    [Fact]
    public async Task publishing_a_profile_before_the_census_is_imported_is_a_409()
    {
        using var analyst = f.Analyst();
        var response = await analyst.PostAsync("/api/profiles/areas/berridge/versions", System.Net.Http.Json.JsonContent.Create(new { reason = "too soon" }));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("https://engagement.example/problems/census-not-imported", (await response.BodyAsync())["type"]!.GetValue<string>());
    }
}
