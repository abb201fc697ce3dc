using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Testing;

namespace Engagement.Profiles.Tests;

/// <summary>
/// An import says why it was made, and an accepted file is kept until its figures are written, so a restart in the
/// middle of an import finishes it rather than losing it.
/// </summary>
public sealed class ImportQueueTests(ProfilesFixture f) : IClassFixture<ProfilesFixture>
{
    [Fact]
    public async Task an_import_without_a_reason_is_refused_naming_the_field_and_nothing_is_kept()
    {
        var response = await f.PostAsync(ProfilesFixture.Shipped("census2021-ts054-ward-nottinghamshire.csv"), reason: null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.BodyAsync();
        Assert.NotNull(problem["errors"]!["reason"]);
        Assert.Equal(0, await f.CountAsync("select count(*) from profiles.census_datasets where table_code = 'TS054'"));
        Assert.Equal(0, await f.CountAsync("select count(*) from profiles.census_uploads"));
    }

    [Fact]
    public async Task the_reason_is_kept_with_the_dataset_and_its_event_and_the_file_is_not_kept_once_written()
    {
        var status = await f.ImportAsync(ProfilesFixture.Shipped("census2021-ts021-ward-nottinghamshire.csv"));
        Assert.Equal("imported", status["status"]!.GetValue<string>());
        Assert.Equal(ProfilesFixture.Reason, status["reason"]!.GetValue<string>());
        Assert.Equal(1, await f.CountAsync(
            $"select count(*) from profiles.mt_events where type = 'census_dataset_imported' and data->>'reason' = '{ProfilesFixture.Reason}' and data->>'table' = 'TS021'"));
        Assert.Equal(0, await f.CountAsync("select count(*) from profiles.census_uploads"));
    }

    [Fact]
    public async Task an_import_in_flight_when_the_service_stops_is_finished_by_the_next_instance()
    {
        // Long enough to write that the service stops before it is done.
        var (csv, rows) = ProfilesFixture.MadeUpWards(800000);
        var response = await f.PostAsync(csv);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.BodyAsync()).Id();
        await f.StopAsync();

        // The process is gone; the dataset waits, with its file.
        Assert.Equal(1, await f.CountAsync($"select count(*) from profiles.census_datasets where id = '{id}' and status = 'importing'"));
        Assert.Equal(1, await f.CountAsync($"select count(*) from profiles.census_uploads where dataset_id = '{id}'"));
        Assert.Equal(0, await f.CountAsync($"select count(*) from profiles.census_figures where dataset_id = '{id}'"));

        f.StartAgain();
        using var client = f.Analyst();
        var status = await TestInfrastructure.EventuallyAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>($"/api/profiles/imports/{id}"))!,
            s => s["status"]!.GetValue<string>() is "imported" or "failed", TimeSpan.FromMinutes(2), "the next instance to finish the import");
        Assert.Equal("imported", status["status"]!.GetValue<string>());
        Assert.Equal(rows, status["rowsWritten"]!.GetValue<int>());
        Assert.Equal((long)rows * 10, await f.CountAsync($"select count(*) from profiles.census_figures where dataset_id = '{id}'"));
        Assert.Equal(1, await f.CountAsync($"select count(*) from profiles.mt_events where type = 'census_dataset_imported' and data->>'datasetId' = '{id}'"));
        Assert.Equal(0, await f.CountAsync("select count(*) from profiles.census_uploads"));
    }
}
