using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Testing;

namespace Engagement.Gateway.Tests;

/// <summary>A resident's and a neighbourhood team's path through the gateway: public routes open, the rest closed.</summary>
public sealed class SurgeriesThroughTheGatewayTests(FullStackFixture fixture) : IClassFixture<FullStackFixture>
{
    [Fact]
    public async Task a_team_schedules_and_anyone_finds_it_and_subscribes_and_a_resident_books()
    {
        var stack = fixture.Stack;
        using var team = stack.Client(TestTokens.Create("neighbourhood", "officer-gw", ["basford"]));
        var starts = DateTimeOffset.UtcNow.AddDays(5);
        var created = await team.PostAsJsonAsync("/api/surgeries", new
        {
            areaCode = "basford", title = "Basford surgery", startsAt = starts, endsAt = starts.AddHours(1),
            venue = new { name = "Basford Hall", address = "Nottingham Road", postcode = "NG5 1AA", accessible = true },
            capacity = 5, hostOfficer = new { id = "pc-gw", name = "PC Gateway" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        using var anonymous = stack.Client();
        var list = await anonymous.GetAsync("/api/surgeries?area=basford");
        var one = await anonymous.GetAsync($"/api/surgeries/{id}");
        var calendar = await anonymous.GetAsync("/api/surgeries/areas/basford/calendar.ics");
        var anonymousBooking = await anonymous.PostAsJsonAsync($"/api/surgeries/{id}/bookings", new { name = "A", contact = "a@example.org" });
        // The gateway lets GET /api/surgeries/{id} through without a token; the service still refuses this one.
        var anonymousMine = await anonymous.GetAsync("/api/surgeries/my-bookings");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(id, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal("text/calendar", calendar.Content.Headers.ContentType!.MediaType);
        Assert.Contains($"UID:{id}@", await calendar.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousBooking.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousMine.StatusCode);

        using var resident = stack.Client(TestTokens.Create("resident", "resident-gw"));
        var booked = await resident.PostAsJsonAsync($"/api/surgeries/{id}/bookings", new { name = "Rita", contact = "rita@example.org" });
        var mine = await resident.GetFromJsonAsync<JsonArray>("/api/surgeries/my-bookings");

        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.Equal("confirmed", (await booked.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Single(mine!);
    }
}
