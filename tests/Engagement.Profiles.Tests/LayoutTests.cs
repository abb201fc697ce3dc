using System.Globalization;
using System.Net;
using System.Text;
using Engagement.Testing;
using Microsoft.VisualBasic.FileIO;

namespace Engagement.Profiles.Tests;

/// <summary>Both Nomis layouts, the measures suffix, and a file of more than 20 MB.</summary>
public sealed class LayoutTests(ProfilesFixture f) : IClassFixture<ProfilesFixture>
{
    private static readonly string Ts030 = Encoding.UTF8.GetString(ProfilesFixture.Shipped("census2021-ts030-ward-nottinghamshire.csv"));

    [Fact]
    public async Task the_api_long_layout_imports_as_its_table()
    {
        // TS030 rewritten as the Nomis API gives it: one row per ward and category.
        using var parser = new TextFieldParser(new StringReader(Ts030)) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!.Skip(3).Select(h => h["Religion: ".Length..]).ToList();
        var csv = new StringBuilder("GEOGRAPHY_CODE,GEOGRAPHY_NAME,C2021_RELIGION_10_NAME,OBS_VALUE\n");
        while (parser.ReadFields() is { } f)
        {
            for (var i = 0; i < header.Count; i++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{f[2]},\"{f[1]}\",{header[i]},{f[i + 3]}\n");
            }
        }

        var status = await f.ImportAsync(Encoding.UTF8.GetBytes(csv.ToString()));
        Assert.Equal("imported", status["status"]!.GetValue<string>());
        Assert.Equal("TS030", status["table"]!.GetValue<string>());
        Assert.Equal(189, status["report"]!["rows"]!.GetValue<int>());
        Assert.Equal("nomis-api-long", status["report"]!["layout"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_measures_suffix_is_stripped_from_every_category()
    {
        var lines = Ts030.Split('\n');
        lines[0] = string.Join(',', lines[0].Split(',').Select((h, i) => i < 3 ? h : h + "; measures: Value"));
        // A different file (its header differs), so a new dataset rather than the same checksum.
        var status = await f.ImportAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        Assert.Equal("imported", status["status"]!.GetValue<string>());
        Assert.Equal("TS030", status["table"]!.GetValue<string>());
        Assert.Equal("nomis-bulk", status["report"]!["layout"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_file_of_more_than_20_mb_is_accepted_and_reports_codes_it_does_not_know()
    {
        // Made-up wards with long names: 20 MB with few enough figures to write quickly. No area has these codes.
        var csv = new StringBuilder(Ts030[..Ts030.IndexOf('\n', StringComparison.Ordinal)]).Append('\n');
        var name = new string('x', 220);
        var rows = 0;
        while (csv.Length < 21_000_000)
        {
            csv.Append(CultureInfo.InvariantCulture, $"2021,{name},E05{900000 + rows:D6},9,1,1,1,1,1,1,1,1,1\n");
            rows++;
        }

        var response = await f.PostAsync(Encoding.UTF8.GetBytes(csv.ToString()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        var status = await f.ImportAsync(Encoding.UTF8.GetBytes(csv.ToString()));
        Assert.Equal("imported", status["status"]!.GetValue<string>());
        Assert.Equal(rows, status["rowsWritten"]!.GetValue<int>());
        Assert.Equal(rows, status["report"]!["unknownCodes"]!["count"]!.GetValue<int>());
        Assert.Equal(50, status["report"]!["unknownCodes"]!["codes"]!.AsArray().Count);
    }
}
