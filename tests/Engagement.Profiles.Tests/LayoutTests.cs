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
    public async Task a_full_nomis_api_download_with_counts_and_percentages_imports_the_counts()
    {
        // Every column the API gives when no `select` is asked for, and both measures: each figure as a count (Value,
        // 20100) and as a percentage (Percent, 20301). Only the counts are figures.
        using var parser = new TextFieldParser(new StringReader(Ts030)) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!.Skip(3).Select(h => h["Religion: ".Length..]).ToList();
        var csv = new StringBuilder(
            "DATE,DATE_NAME,GEOGRAPHY,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GEOGRAPHY_TYPE,C2021_RELIGION_10,C2021_RELIGION_10_NAME,C2021_RELIGION_10_SORTORDER," +
            "MEASURES,MEASURES_NAME,OBS_VALUE,OBS_STATUS,OBS_STATUS_NAME,OBS_CONF,OBS_CONF_NAME,RECORD_OFFSET,RECORD_COUNT\n");
        var first = "";
        while (parser.ReadFields() is { } f)
        {
            first = first.Length == 0 ? f[2] : first;
            var total = long.Parse(f[3], CultureInfo.InvariantCulture);
            for (var i = 0; i < header.Count; i++)
            {
                var count = long.Parse(f[i + 3], CultureInfo.InvariantCulture);
                foreach (var (measure, name, value) in new[] { ("20100", "Value", f[i + 3]), ("20301", "Percent", (100.0 * count / total).ToString("0.0", CultureInfo.InvariantCulture)) })
                {
                    csv.Append(CultureInfo.InvariantCulture,
                        $"2021,2021,1000,\"{f[1]}\",{f[2]},wards,{i},{header[i]},{i},{measure},{name},{value},A,Normal Value,F,Free (free for publication),0,0\n");
                }
            }
        }

        var status = await f.ImportAsync(Encoding.UTF8.GetBytes(csv.ToString()));
        Assert.Equal("imported", status["status"]!.GetValue<string>());
        Assert.Equal("TS030", status["table"]!.GetValue<string>());
        Assert.Equal(189, status["report"]!["rows"]!.GetValue<int>());
        Assert.Equal(189 * header.Count, status["report"]!["figures"]!.GetValue<int>());
        var totalOfFirst = await f.CountAsync(
            $"select value from profiles.census_figures where dataset_id = '{status.Id()}' and geography_code = '{first}' and category = 0");
        Assert.Equal(long.Parse(Ts030.Split('\n')[1].Split(',')[^header.Count..][0], CultureInfo.InvariantCulture), totalOfFirst);
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
        var (csv, rows) = ProfilesFixture.MadeUpWards(900000);
        var response = await f.PostAsync(csv);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        var status = await f.ImportAsync(csv);
        Assert.Equal("imported", status["status"]!.GetValue<string>());
        Assert.Equal(rows, status["rowsWritten"]!.GetValue<int>());
        Assert.Equal(rows, status["report"]!["unknownCodes"]!["count"]!.GetValue<int>());
        Assert.Equal(50, status["report"]!["unknownCodes"]!["codes"]!.AsArray().Count);
    }
}
