using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;

namespace Engagement.Profiles.Tests;

/// <summary>
/// Profiles after the shipped files are imported, checked against numbers read by hand from the CSVs (and, for
/// Berridge and Hyson Green, from the issue and the domain notes), never against the service's own arithmetic.
/// </summary>
public sealed class AreaProfileTests(ProfilesFixture f) : IClassFixture<ProfilesFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => f.ImportShippedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> ProfileAsync(string code, string role = Roles.Neighbourhood)
    {
        using var client = f.As(role);
        return (await client.GetFromJsonAsync<JsonObject>($"/api/profiles/areas/{code}"))!;
    }

    private static JsonObject Category(JsonNode section, params string[] path)
    {
        var list = section["figures"]!.AsArray();
        JsonObject? found = null;
        foreach (var name in path)
        {
            found = list.Single(x => x!["name"]!.GetValue<string>() == name)!.AsObject();
            list = found["children"]!.AsArray();
        }

        return found!;
    }

    [Fact]
    public async Task berridge_has_17910_residents_of_whom_392_are_white_roma()
    {
        var p = await ProfileAsync("berridge");
        Assert.Equal(17910, p["population"]!["count"]!.GetValue<long>());
        var roma = Category(p["ethnicGroups"]!, "White", "Roma");
        Assert.Equal(392, roma["count"]!.GetValue<long>());
        Assert.Equal(2.19m, roma["percentage"]!.GetValue<decimal>());
        var ward = Assert.Single(roma["wards"]!.AsArray());
        Assert.Equal("E05012272", ward!["code"]!.GetValue<string>());
        Assert.Equal(392, ward["count"]!.GetValue<long>());
        Assert.Equal("E06000018", roma["district"]!["code"]!.GetValue<string>());
        Assert.Equal(1130, roma["district"]!["count"]!.GetValue<long>());
        Assert.Equal(1687, roma["nottinghamshire"]!["count"]!.GetValue<long>());
        Assert.Equal(323609, p["population"]!["district"]!["count"]!.GetValue<long>());
        Assert.Equal(1148416, p["population"]!["nottinghamshire"]!["count"]!.GetValue<long>());
        var source = p["ethnicGroups"]!["source"]!;
        Assert.Equal("TS021", source["table"]!.GetValue<string>());
        Assert.Equal("2021", source["date"]!.GetValue<string>());
        Assert.Equal("Open Government Licence v3.0", source["licence"]!.GetValue<string>());
    }

    [Fact]
    public async Task households_religion_and_tenure_come_from_their_own_tables()
    {
        var p = await ProfileAsync("berridge");
        Assert.Equal(6721, p["households"]!["count"]!.GetValue<long>());
        Assert.Equal(4796, Category(p["religion"]!, "Muslim")["count"]!.GetValue<long>());
        var tenure = p["tenure"]!;
        Assert.Equal("All households", tenure["universe"]!.GetValue<string>());
        // The two combination columns are shown apart and never counted as level-1 categories.
        Assert.Equal(5, tenure["figures"]!.AsArray().Count);
        Assert.Equal(2, tenure["combinations"]!.AsArray().Count);
        Assert.Equal(6721, tenure["figures"]!.AsArray().Sum(x => x!["count"]!.GetValue<long>()));
    }

    [Fact]
    public async Task an_area_of_several_wards_sums_them_and_breaks_them_down()
    {
        var p = await ProfileAsync("mansfield-woodhouse", Roles.Analyst);
        Assert.Equal(21215, p["population"]!["count"]!.GetValue<long>());
        Assert.Equal(9336, p["households"]!["count"]!.GetValue<long>());
        var wards = p["population"]!["wards"]!.AsArray();
        Assert.Equal(7, wards.Count);
        Assert.Equal(21215, wards.Sum(w => w!["count"]!.GetValue<long>()));
        Assert.Equal("E07000174", p["population"]!["district"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task hyson_green_has_220_roma_residents()
    {
        var p = await ProfileAsync("hyson-green-arboretum", Roles.Communications);
        Assert.Equal(220, Category(p["ethnicGroups"]!, "White", "Roma")["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task languages_are_the_local_authoritys_and_say_so()
    {
        var p = await ProfileAsync("berridge");
        var languages = p["languages"]!;
        Assert.True(languages["localAuthorityFigures"]!.GetValue<bool>());
        Assert.Contains("local authorities only", languages["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(313269, languages["total"]!["count"]!.GetValue<long>());
        var polish = Category(languages, "Other European language (EU)", "Polish");
        Assert.Equal(7826, polish["count"]!.GetValue<long>());
        Assert.Empty(polish["wards"]!.AsArray());
        Assert.Equal(18038, polish["nottinghamshire"]!["count"]!.GetValue<long>());
        Assert.Equal("TS029", p["proficiencyInEnglish"]!["source"]!["table"]!.GetValue<string>());
        Assert.Empty(p["notYetImported"]!.AsArray());
    }

    [Fact]
    public async Task the_printable_page_draws_its_bars_and_names_its_sources()
    {
        using var client = f.As(Roles.Communications);
        var response = await client.GetAsync("/api/profiles/areas/hyson-green-arboretum/page");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Hyson Green &amp; Arboretum</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("ONS Census 2021, TS021 Ethnic group (2021), ward figures", html, StringComparison.Ordinal);
        Assert.Contains("published for local authorities only", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_partial_file_imported_later_never_hides_the_full_table()
    {
        // Three real TS030 rows: a valid file, and a new dataset, but it does not cover every ward.
        var lines = System.Text.Encoding.UTF8.GetString(ProfilesFixture.Shipped("census2021-ts030-ward-nottinghamshire.csv")).Split('\n');
        var partial = string.Join('\n', lines.Take(1).Concat(lines.Where(l => l.Contains(",E050122", StringComparison.Ordinal)).Take(3))) + "\n";
        var status = await f.ImportAsync(System.Text.Encoding.UTF8.GetBytes(partial));
        Assert.Equal("imported", status["status"]!.GetValue<string>());
        Assert.False(status["report"]!["coversEveryArea"]!.GetValue<bool>());

        var p = await ProfileAsync("bulwell");
        Assert.Equal(323630, p["religion"]!["total"]!["district"]!["count"]!.GetValue<long>());
        Assert.Equal(1148437, p["religion"]!["total"]!["nottinghamshire"]!["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task an_unknown_area_is_a_404_problem()
    {
        using var client = f.As(Roles.Analyst);
        var response = await client.GetAsync("/api/profiles/areas/atlantis");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
