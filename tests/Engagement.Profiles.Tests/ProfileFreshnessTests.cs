using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;

namespace Engagement.Profiles.Tests;

/// <summary>A profile is made once per import and kept; a newer import of the table must replace it at once.</summary>
public sealed class ProfileFreshnessTests(ProfilesFixture f) : IClassFixture<ProfilesFixture>
{
    [Fact]
    public async Task a_newer_import_of_a_table_is_what_the_next_read_of_the_profile_shows()
    {
        await f.ImportShippedAsync();
        using var officer = f.As(Roles.Neighbourhood, "berridge");
        Assert.Equal(392, Roma(await officer.GetFromJsonAsync<JsonObject>("/api/profiles/areas/berridge")));
        Assert.Equal(392, Roma(await officer.GetFromJsonAsync<JsonObject>("/api/profiles/areas/berridge")));

        // The same table again, corrected: ten more Roma residents in Berridge (so ten more White, ten more in all).
        var lines = Encoding.UTF8.GetString(ProfilesFixture.Shipped("census2021-ts021-ward-nottinghamshire.csv")).Split('\n');
        var header = Fields(lines[0]);
        var changed = new[] { "Ethnic group: Total: All usual residents", "Ethnic group: White", "Ethnic group: White: Roma" }.Select(l => header.IndexOf(l)).ToList();
        Assert.DoesNotContain(-1, changed);
        var berridge = Array.FindIndex(lines, l => l.Contains(",E05012272,", StringComparison.Ordinal));
        var fields = Fields(lines[berridge]);
        foreach (var i in changed)
        {
            fields[i] = (long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture) + 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        lines[berridge] = string.Join(',', fields.Select(x => x.Contains(',', StringComparison.Ordinal) ? $"\"{x}\"" : x));
        f.Clock.Advance(TimeSpan.FromDays(30));
        var status = await f.ImportAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        Assert.Equal("imported", status["status"]!.GetValue<string>());

        var after = (await officer.GetFromJsonAsync<JsonObject>("/api/profiles/areas/berridge"))!;
        Assert.Equal(402, Roma(after));
        Assert.Equal(17920, after["population"]!["count"]!.GetValue<long>());
        Assert.Equal(status["id"]!.GetValue<string>(), after["ethnicGroups"]!["source"]!["datasetId"]!.GetValue<string>());
    }

    private static long Roma(JsonObject? profile) =>
        profile!["ethnicGroups"]!["figures"]!.AsArray().Single(x => x!["name"]!.GetValue<string>() == "White")!["children"]!.AsArray()
            .Single(x => x!["name"]!.GetValue<string>() == "Roma")!["count"]!.GetValue<long>();

    /// <summary>A CSV line's fields, with quoted fields (which may hold commas) unquoted.</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in line.TrimEnd('\r'))
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}
