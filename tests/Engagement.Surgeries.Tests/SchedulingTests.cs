using Engagement.Testing;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;

namespace Engagement.Surgeries.Tests;

public sealed class SchedulingTests(SurgeriesFixture f) : IClassFixture<SurgeriesFixture>
{
    [Fact]
    public async Task scheduling_answers_201_with_location_etag_and_the_public_view()
    {
        using var client = f.Officer();
        var response = await client.PostAsJsonAsync("/api/surgeries", f.SurgeryBody("pc-create"));
        var body = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/surgeries/{body.Id()}", response.Headers.Location!.ToString());
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal("NG6 9AB", body["venue"]!["postcode"]!.GetValue<string>());
        Assert.Equal(10, body["placesLeft"]!.GetValue<int>());
        Assert.Equal("scheduled", body["status"]!.GetValue<string>());

        using var anonymous = f.Anonymous();
        var fetched = await anonymous.GetFromJsonAsync<JsonObject>($"/api/surgeries/{body.Id()}");
        Assert.Equal("Beat surgery", fetched!["title"]!.GetValue<string>());
    }

    public static TheoryData<string, string, object?> BrokenRules => new()
    {
        { "areaCode", "areaCode", "atlantis" },
        { "title", "title", "" },
        { "startsAt", "startsAt", "2001-01-01T10:00:00Z" },
        { "endsAt", "endsAt", "before" },
        { "endsAt", "endsAt", "too-long" },
        { "capacity", "capacity", 0 },
        { "capacity", "capacity", 501 },
        { "venue.postcode", "venue.postcode", "NOT A POSTCODE" },
        { "hostOfficer.name", "hostOfficer.name", "" },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public async Task every_rule_is_a_400_naming_its_field(string field, string errorKey, object? value)
    {
        var body = f.SurgeryBody("pc-rules");
        var starts = DateTimeOffset.Parse(body["startsAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        switch (field)
        {
            case "endsAt" when (string)value! == "before":
                body["endsAt"] = starts.AddMinutes(-1).ToString("O");
                break;
            case "endsAt":
                body["endsAt"] = starts.AddHours(8).AddMinutes(1).ToString("O");
                break;
            case "venue.postcode":
                body["venue"]!["postcode"] = (string)value!;
                break;
            case "hostOfficer.name":
                body["hostOfficer"]!["name"] = "";
                break;
            default:
                body[field] = JsonValue.Create(value);
                break;
        }

        using var client = f.Officer();
        var response = await client.PostAsJsonAsync("/api/surgeries", body);
        var problem = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(problem["errors"]![errorKey]);
    }

    [Fact]
    public async Task a_drop_in_surgery_has_no_capacity()
    {
        var s = await f.ScheduleAsync(capacity: null);
        Assert.True(s["dropIn"]!.GetValue<bool>());
        Assert.Null(s["placesLeft"]);
    }

    [Fact]
    public async Task a_repeated_idempotency_key_gets_the_first_answer()
    {
        using var client = f.Officer();
        async Task<HttpResponseMessage> Send(string title)
        {
            var body = f.SurgeryBody("pc-idem");
            body["title"] = title;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/surgeries") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "schedule-2026-11-21-a");
            return await client.SendAsync(request);
        }

        var first = await (await Send("First")).BodyAsync();
        var again = await Send("Second");
        var second = await again.BodyAsync();

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(first.Id(), second.Id());
        Assert.Equal("First", second["title"]!.GetValue<string>());
        Assert.Equal(1L, await f.ScalarAsync<long>($"select count(*) from surgeries.mt_streams where id = 'surgery-{first.Id()}'"));
    }

    [Fact]
    public async Task a_host_officer_in_two_overlapping_surgeries_is_a_409_naming_the_clash()
    {
        var first = await f.ScheduleAsync(officerId: "pc-clash", inHours: 100);
        using var client = f.Officer();
        var overlapping = f.SurgeryBody("pc-clash", inHours: 100.5);

        var response = await client.PostAsJsonAsync("/api/surgeries", overlapping);
        var problem = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.EndsWith("/officer-clash", problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(first.Id().ToString(), problem["clashingSurgeryId"]!.GetValue<string>());
        // Back to back is not a clash.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/surgeries", f.SurgeryBody("pc-clash", inHours: 101.5))).StatusCode);
    }

    [Fact]
    public async Task concurrent_schedules_for_one_officer_at_one_time_have_exactly_one_winner()
    {
        using var client = f.Officer();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.PostAsJsonAsync("/api/surgeries", f.SurgeryBody("pc-race", inHours: 200 + (i * 0.1)))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1L, await f.ScalarAsync<long>("select count(*) from surgeries.officer_slots where officer_id = 'pc-race'"));
    }

    [Fact]
    public async Task rescheduling_needs_if_match_and_a_stale_one_is_412()
    {
        var s = await f.ScheduleAsync(inHours: 300);
        using var client = f.Officer();
        var change = new { venue = new { name = "St Mary's Hall", address = "Main Street, Bulwell", postcode = "NG6 8EZ", accessible = false } };

        var without = await client.PatchAsJsonAsync($"/api/surgeries/{s.Id()}", change);
        using var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/surgeries/{s.Id()}") { Content = JsonContent.Create(change) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"7\"");
        var staleResponse = await client.SendAsync(stale);
        using var fresh = new HttpRequestMessage(HttpMethod.Patch, $"/api/surgeries/{s.Id()}") { Content = JsonContent.Create(change) };
        fresh.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        var ok = await client.SendAsync(fresh);
        var changed = await ok.BodyAsync();

        Assert.Equal((HttpStatusCode)428, without.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("\"2\"", ok.Headers.ETag!.Tag);
        Assert.Equal("St Mary's Hall", changed["venue"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task moving_a_surgery_onto_the_officers_other_surgery_is_a_clash()
    {
        var a = await f.ScheduleAsync(officerId: "pc-move", inHours: 400);
        var b = await f.ScheduleAsync(officerId: "pc-move", inHours: 410);
        using var client = f.Officer();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/surgeries/{b.Id()}")
        {
            Content = JsonContent.Create(new { startsAt = a["startsAt"]!.GetValue<string>(), endsAt = a["endsAt"]!.GetValue<string>() }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(a.Id().ToString(), (await response.BodyAsync())["clashingSurgeryId"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_cancelled_surgery_frees_its_officer_and_cannot_be_cancelled_twice()
    {
        var s = await f.ScheduleAsync(officerId: "pc-cancel", inHours: 500);
        using var client = f.Officer();

        var cancelled = await client.PostAsJsonAsync($"/api/surgeries/{s.Id()}/cancel", new { reason = "Venue flooded" });
        var again = await client.PostAsJsonAsync($"/api/surgeries/{s.Id()}/cancel", new { reason = "Again" });
        var noReason = await client.PostAsJsonAsync($"/api/surgeries/{s.Id()}/cancel", new { reason = "" });
        var replacement = await client.PostAsJsonAsync("/api/surgeries", f.SurgeryBody("pc-cancel", inHours: 500));

        Assert.Equal("cancelled", (await cancelled.BodyAsync())["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replacement.StatusCode);
    }

    [Fact]
    public async Task an_outcome_is_recorded_once_after_the_start_and_summaries_carry_no_contact_details()
    {
        var s = await f.ScheduleAsync(inHours: 1);
        using var client = f.Officer();
        var outcome = new
        {
            attendance = 7,
            issuesRaised = new[] { new { category = "asb", summary = "Youths gathering by the tram stop after dark" }, new { category = "road-safety", summary = "Speeding on Main Street" } },
            notes = "Mrs K asked for a call back on 0115 496 0000",
        };

        var early = await client.PostAsJsonAsync($"/api/surgeries/{s.Id()}/outcome", outcome);
        f.Clock.Advance(TimeSpan.FromHours(2));
        var leaky = await client.PostAsJsonAsync($"/api/surgeries/{s.Id()}/outcome",
            new { attendance = 1, issuesRaised = new[] { new { category = "asb", summary = "Call jo@example.org" } } });
        var unknownCategory = await client.PostAsJsonAsync($"/api/surgeries/{s.Id()}/outcome",
            new { attendance = 1, issuesRaised = new[] { new { category = "parking-fines", summary = "x" } } });
        var recorded = await client.PostAsJsonAsync($"/api/surgeries/{s.Id()}/outcome", outcome);
        var twice = await client.PostAsJsonAsync($"/api/surgeries/{s.Id()}/outcome", outcome);

        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, leaky.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownCategory.StatusCode);
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        var held = await recorded.BodyAsync();
        Assert.Equal("held", held["status"]!.GetValue<string>());
        Assert.Equal(7, held["outcome"]!["attendance"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    [Fact]
    public async Task staff_scoped_to_other_areas_cannot_schedule_here()
    {
        using var meadowsOnly = f.As(Roles.Neighbourhood, "officer-meadows", "meadows");
        var response = await meadowsOnly.PostAsJsonAsync("/api/surgeries", f.SurgeryBody("pc-scope"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.EndsWith("/outside-your-areas", (await response.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task staff_whose_token_names_no_area_act_in_none()
    {
        var surgery = await f.ScheduleAsync();
        var id = surgery.Id();
        using var noArea = f.As(Roles.Neighbourhood, "officer-no-area");

        using var schedule = await noArea.PostAsJsonAsync("/api/surgeries", f.SurgeryBody("pc-no-area"));
        using var bookings = await noArea.GetAsync($"/api/surgeries/{id}/bookings?reason=checking%20the%20list");
        using var cancel = await noArea.PostAsJsonAsync($"/api/surgeries/{id}/cancel", new { reason = "no longer needed" });

        foreach (var response in new[] { schedule, bookings, cancel })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.EndsWith("/outside-your-areas", (await response.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task listing_filters_by_area_and_dates_and_rejects_an_unknown_area()
    {
        var meadows = await f.ScheduleAsync(area: "meadows", inHours: 600);
        using var anonymous = f.Anonymous();
        var from = f.Clock.GetUtcNow().AddHours(590).ToString("O");
        var to = f.Clock.GetUtcNow().AddHours(610).ToString("O");

        var list = await anonymous.GetFromJsonAsync<JsonArray>($"/api/surgeries?area=meadows&from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");
        var unknown = await anonymous.GetAsync("/api/surgeries?area=atlantis");

        Assert.Contains(list!, s => s!["id"]!.GetValue<string>() == meadows.Id().ToString());
        Assert.All(list!, s => Assert.Equal("meadows", s!["areaCode"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }
}
