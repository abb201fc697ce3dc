using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Testing;

namespace Engagement.Profiles.Tests;

/// <summary>The shipped files import with a report; the same file again changes nothing.</summary>
public sealed class CensusImportTests(ProfilesFixture f) : IClassFixture<ProfilesFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => f.ImportShippedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> StatusOfAsync(string file)
    {
        var response = await f.PostAsync(ProfilesFixture.Shipped(file));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.BodyAsync();
    }

    [Fact]
    public async Task each_shipped_file_reports_its_table_geography_rows_licence_and_checksum()
    {
        var ts021 = await StatusOfAsync("census2021-ts021-ward-nottinghamshire.csv");
        Assert.Equal("TS021", ts021["table"]!.GetValue<string>());
        Assert.Equal("ward", ts021["geographyLevel"]!.GetValue<string>());
        Assert.Equal("2021", ts021["release"]!.GetValue<string>());
        Assert.Equal("Open Government Licence v3.0", ts021["licence"]!.GetValue<string>());
        Assert.Equal(64, ts021["checksum"]!.GetValue<string>().Length);
        Assert.Equal(189, ts021["report"]!["rows"]!.GetValue<int>());
        Assert.Equal(0, ts021["report"]!["unknownCodes"]!["count"]!.GetValue<int>());
        Assert.Equal(100, ts021["percent"]!.GetValue<int>());

        var ts024 = await StatusOfAsync("census2021-ts024-ltla-nottinghamshire.csv");
        Assert.Equal("local-authority", ts024["geographyLevel"]!.GetValue<string>());
        Assert.Equal(8, ts024["report"]!["rows"]!.GetValue<int>());
        Assert.Equal(8 * 106, ts024["report"]!["figures"]!.GetValue<int>());
    }

    [Fact]
    public async Task totals_that_differ_from_another_table_for_the_same_wards_are_a_warning()
    {
        // TS030 is imported after TS021 (the fixture's order); both count all usual residents, and differ by cell-key noise.
        var ts030 = await StatusOfAsync("census2021-ts030-ward-nottinghamshire.csv");
        Assert.Equal("imported", ts030["status"]!.GetValue<string>());
        var warning = Assert.Single(ts030["report"]!["warnings"]!.AsArray())!;
        Assert.Equal("TS021", warning["otherTable"]!.GetValue<string>());
        Assert.InRange(warning["largestDifference"]!.GetValue<long>(), 1, 7);
        // Households are another universe, so tenure is compared with nothing.
        Assert.Empty((await StatusOfAsync("census2021-ts054-ward-nottinghamshire.csv"))["report"]!["warnings"]!.AsArray());
    }

    [Fact]
    public async Task the_same_file_again_changes_nothing()
    {
        var datasets = await f.CountAsync("select count(*) from profiles.census_datasets");
        var figures = await f.CountAsync("select count(*) from profiles.census_figures");
        var events = await f.CountAsync("select count(*) from profiles.mt_events");
        var again = await StatusOfAsync("census2021-ts021-ward-nottinghamshire.csv");
        Assert.True(again["alreadyImported"]!.GetValue<bool>());
        Assert.Equal(datasets, await f.CountAsync("select count(*) from profiles.census_datasets"));
        Assert.Equal(figures, await f.CountAsync("select count(*) from profiles.census_figures"));
        Assert.Equal(events, await f.CountAsync("select count(*) from profiles.mt_events"));
        Assert.Equal(5, datasets);
        Assert.Equal(5, events);
    }

    [Fact]
    public async Task one_event_per_dataset_records_what_was_imported()
    {
        var count = await f.CountAsync(
            "select count(*) from profiles.mt_events where type = 'census_dataset_imported' and data->>'table' = 'TS021' and (data->>'rows')::int = 189 and data->>'licence' = 'Open Government Licence v3.0'");
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task an_unknown_import_is_a_404_problem()
    {
        using var client = f.Analyst();
        var response = await client.GetAsync($"/api/profiles/imports/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
