using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.Profiles.Emerging;
using Engagement.ServiceDefaults;
using Engagement.Testing;

namespace Engagement.Profiles.Tests;

/// <summary>The emerging-community rule: two independent sources, at the thresholds' edges; then an analyst decides.</summary>
public sealed class EmergingCommunityTests(ProfilesFixture f) : IClassFixture<ProfilesFixture>
{
    private static readonly EmergingThresholds T = new();

    private static FlowObservation Obs(string source, string periodEnd, long count, string value = "Romanian") =>
        new(DateOnly.Parse(periodEnd, System.Globalization.CultureInfo.InvariantCulture).AddMonths(-3), DateOnly.Parse(periodEnd, System.Globalization.CultureInfo.InvariantCulture),
            "berridge", "nationality", value, count, source);

    private static IReadOnlyList<Finding> Evaluate(params FlowObservation[] o) => EmergingRule.Evaluate(o, (_, _) => false, T);

    [Fact]
    public void two_sources_signalling_identify_a_candidate_and_one_does_not()
    {
        var ni = new[] { Obs("ni-registrations", "2025-03-31", 10), Obs("ni-registrations", "2025-06-30", 20) };
        Assert.Empty(Evaluate(ni));
        var finding = Assert.Single(Evaluate([.. ni, Obs("interpreter-requests", "2025-09-30", 25)]));
        Assert.Equal(("berridge", "nationality", "Romanian"), (finding.AreaCode, finding.Dimension, finding.Value));
        Assert.Equal(T.Version, finding.Thresholds.Version);
        Assert.Equal(100m, finding.Evidence.Single(e => e.Source == "ni-registrations").GrowthPercent);
    }

    [Fact]
    public void a_source_signals_at_the_minimum_count_and_growth_and_not_below()
    {
        var other = Obs("interpreter-requests", "2025-09-30", 25);
        Assert.Single(Evaluate(Obs("ni", "2025-03-31", 40), Obs("ni", "2025-06-30", 60), other));   // 50 % exactly
        Assert.Empty(Evaluate(Obs("ni", "2025-03-31", 40), Obs("ni", "2025-06-30", 59), other));    // 47.5 %
        Assert.Single(Evaluate(Obs("ni", "2025-06-30", 20), other));                                // 20 exactly, first seen
        Assert.Empty(Evaluate(Obs("ni", "2025-06-30", 19), other));                                 // one short
    }

    [Fact]
    public void the_two_signals_must_fall_within_twelve_months()
    {
        Assert.Single(Evaluate(Obs("ni", "2024-10-31", 30), Obs("interpreter-requests", "2025-09-30", 25)));
        Assert.Empty(Evaluate(Obs("ni", "2024-09-30", 30), Obs("interpreter-requests", "2025-09-30", 25)));
    }

    [Fact]
    public void a_value_that_is_already_a_named_community_never_signals()
    {
        var o = new[] { Obs("ni", "2025-06-30", 30), Obs("interpreter-requests", "2025-09-30", 25) };
        Assert.Empty(EmergingRule.Evaluate(o, (area, value) => area == "berridge" && value == "Romanian", T));
    }

    private static string Flows(params string[] rows) => "period_start,period_end,area_code,area_type,dimension,value,count,source\n" + string.Join('\n', rows) + "\n";

    private async Task<HttpResponseMessage> PostAsync(string csv, string? reason = "Quarterly flow data for the emerging-community review")
    {
        using var analyst = f.Analyst();
        using var content = new StringContent(csv, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return await analyst.PostAsync("/api/profiles/flows" + (reason is null ? "" : $"?reason={Uri.EscapeDataString(reason)}"), content);
    }

    [Fact]
    public async Task a_flow_import_says_why_or_is_refused_naming_the_field()
    {
        var csv = Flows("2025-01-01,2025-12-31,E06000018,local-authority,nationality,Eritrean,3,DWP NINo registrations");
        var refused = await PostAsync(csv, reason: null);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotNull((await refused.BodyAsync())["errors"]!["reason"]);
        Assert.Equal(0, await f.CountAsync("select count(*) from profiles.flow_observations where value = 'Eritrean'"));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(csv)).StatusCode);
        Assert.Equal(1, await f.CountAsync(
            "select count(*) from profiles.flow_imports i join profiles.flow_observations o on o.import_id = i.id where o.value = 'Eritrean' and i.reason = 'Quarterly flow data for the emerging-community review'"));
        Assert.Equal(1, await f.CountAsync(
            "select count(*) from profiles.mt_events where type = 'flow_data_imported' and data->>'reason' = 'Quarterly flow data for the emerging-community review' and (data->>'rows')::int = 1"));
    }

    [Fact]
    public async Task flows_from_two_sources_make_a_candidate_that_an_analyst_confirms_once()
    {
        var csv = Flows(
            "2025-01-01,2025-03-31,E06000018,local-authority,nationality,Bulgarian,12,dwp-ni-registrations",
            "2025-04-01,2025-06-30,E06000018,local-authority,nationality,Bulgarian,30,dwp-ni-registrations",
            "2025-07-01,2025-09-30,meadows,area,nationality,Bulgarian,22,force-interpreter-requests");
        var first = await (await PostAsync(csv)).BodyAsync();
        var id = Assert.Single(first["identified"]!.AsArray())!.GetValue<string>();
        Assert.Equal("emerging-meadows-nationality-bulgarian", id);
        var again = await (await PostAsync(csv)).BodyAsync();
        Assert.True(again["alreadyImported"]!.GetValue<bool>());
        Assert.Empty(again["identified"]!.AsArray());

        using var officer = f.As(Roles.Neighbourhood, "meadows");
        var listed = (await officer.GetFromJsonAsync<JsonArray>("/api/profiles/emerging"))!.Single(c => c!["id"]!.GetValue<string>() == id)!;
        Assert.Equal("identified", listed["status"]!.GetValue<string>());
        Assert.Equal(20, listed["thresholds"]!["minCount"]!.GetValue<long>());
        using var elsewhere = f.As(Roles.Neighbourhood, "bulwell");
        Assert.Empty((await elsewhere.GetFromJsonAsync<JsonArray>("/api/profiles/emerging"))!);

        var published = await TestInfrastructure.EventuallyAsync(() => Task.FromResult(f.Published.Emerging.Where(m => m.Message.CandidateId == id).ToList()),
            m => m.Count > 0, what: "EmergingCommunityIdentified");
        Assert.Equal(2, Assert.Single(published).Message.SignallingSources);

        using var analyst = f.Analyst();
        var confirmed = await analyst.PostAsJsonAsync($"/api/profiles/emerging/{id}/confirm", new { reason = "Confirmed with the school and the IAG" });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("confirmed", (await confirmed.BodyAsync())["status"]!.GetValue<string>());
        var twice = await analyst.PostAsJsonAsync($"/api/profiles/emerging/{id}/dismiss", new { reason = "Changed my mind" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    [Fact]
    public async Task a_malformed_flow_file_names_its_line_and_column_and_keeps_nothing()
    {
        var response = await PostAsync(Flows("2025-01-01,2025-03-31,atlantis,area,nationality,Polish,12,school-census"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.BodyAsync();
        Assert.Equal((2, 3), (problem["line"]!.GetValue<int>(), problem["column"]!.GetValue<int>()));
        Assert.Equal(0, await f.CountAsync("select count(*) from profiles.flow_observations where value = 'Polish'"));
    }
}
