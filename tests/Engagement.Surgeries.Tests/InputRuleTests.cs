using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.Testing;

namespace Engagement.Surgeries.Tests;

/// <summary>
/// Text and times that PostgreSQL, an email or the first arithmetic on them cannot take are a 400 naming the field,
/// whichever part of the request carries them, and never reach the database.
/// </summary>
public sealed class InputRuleTests(SurgeriesFixture f) : IClassFixture<SurgeriesFixture>
{
    private const string Mark = "MARK-REPLACED";

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "title", "title", "\\u0000" },
        { "venue.notes", "venue.notes", "\\u0000" },
        { "hostOfficer.id", "hostOfficer.id", "\\u0000" },
        { "topics", "topics[0]", "\\u0000" },
        { "title", "title", "\\u0007" },
        { "title", "title", "\\ud800" },
        { "venue.notes", "venue.notes", "\\udc00 alone" },
        { "startsAt", "startsAt", "9999-12-31T23:59:59Z" },
        { "endsAt", "endsAt", "0001-01-01T00:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task text_or_times_the_store_cannot_take_are_a_400_naming_the_field(string field, string errorKey, string raw)
    {
        var body = f.SurgeryBody("pc-input-" + Guid.NewGuid().ToString("N")[..6]);
        switch (field)
        {
            case "venue.notes":
                body["venue"]!["notes"] = Mark;
                break;
            case "hostOfficer.id":
                body["hostOfficer"]!["id"] = Mark;
                break;
            case "topics":
                body["topics"] = new JsonArray(Mark);
                break;
            default:
                body[field] = Mark;
                break;
        }

        using var client = f.Officer();
        using var content = new StringContent(body.ToJsonString().Replace(Mark, raw, StringComparison.Ordinal), Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/api/surgeries", content);
        var problem = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(problem["errors"]![errorKey]);

        // The same officer's valid surgery still goes through: nothing was left broken behind the refusal.
        var fine = await client.PostAsJsonAsync("/api/surgeries", f.SurgeryBody("pc-after-" + Guid.NewGuid().ToString("N")[..6]));
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);
    }

    [Theory]
    [InlineData("/api/surgeries?from=9999-12-31T23:59:59Z", "from")]
    [InlineData("/api/surgeries?to=0001-01-01T00:00:00Z", "to")]
    [InlineData("/api/surgeries?area=%00", "area")]
    [InlineData("/api/surgeries?area=bul%01well", "area")]
    public async Task query_parameters_the_store_cannot_take_are_a_400_naming_them(string url, string parameter)
    {
        using var anonymous = f.Anonymous();
        var response = await anonymous.GetAsync(url);
        var problem = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]![parameter]);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/surgeries?area=bulwell")).StatusCode);
    }

    [Fact]
    public async Task a_nul_access_reason_for_the_bookings_is_a_400_naming_it()
    {
        var s = await f.ScheduleAsync();
        using var team = f.Officer();
        var response = await team.GetAsync($"/api/surgeries/{s.Id()}/bookings?reason=%00");
        var problem = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["reason"]);
        Assert.Equal(HttpStatusCode.OK, (await team.GetAsync($"/api/surgeries/{s.Id()}/bookings?reason=call%20list")).StatusCode);
    }
}
