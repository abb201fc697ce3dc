using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Testing;

namespace Engagement.Gateway.Tests;

/// <summary>Across services, over the real broker: a resident erased in Messaging is erased in Surgeries too.</summary>
public sealed class SurgeriesErasureThroughTheStackTests(FullStackFixture fixture) : IClassFixture<FullStackFixture>
{
    [Fact]
    public async Task a_resident_who_erases_themselves_in_messaging_leaves_nothing_readable_in_their_surgery_bookings()
    {
        var stack = fixture.Stack;
        var sub = "erase-stack-" + Guid.NewGuid().ToString("N")[..8];
        using var resident = stack.Client(TestTokens.Create("resident", sub));
        Assert.Equal(HttpStatusCode.Created, (await resident.PutAsJsonAsync("/api/messaging/subscriptions/me", new { areas = new[] { "hyson-green-arboretum" }, interests = new[] { "surgeries" } })).StatusCode);

        using var team = stack.Client(TestTokens.Create("neighbourhood", "officer-arboretum", ["hyson-green-arboretum"]));
        var starts = DateTimeOffset.UtcNow.AddDays(12);
        var scheduled = await team.PostAsJsonAsync("/api/surgeries", new
        {
            areaCode = "hyson-green-arboretum", title = "Arboretum surgery", startsAt = starts, endsAt = starts.AddHours(1),
            venue = new { name = "Forest Fields Library", address = "Leicester Street", postcode = "NG7 6NG", accessible = true },
            capacity = 8, hostOfficer = new { id = "pc-arboretum", name = "PC Arboretum" },
        });
        Assert.Equal(HttpStatusCode.Created, scheduled.StatusCode);
        var surgeryId = (await scheduled.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Created, (await resident.PostAsJsonAsync($"/api/surgeries/{surgeryId}/bookings",
            new { name = "Ezra Erasable", contact = "ezra@example.org", needs = "Hearing loop" })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await resident.DeleteAsync("/api/messaging/subscriptions/me")).StatusCode);

        var bookings = await TestInfrastructure.EventuallyAsync(async () => await team.GetStringAsync($"/api/surgeries/{surgeryId}/bookings?reason=erasure%20check"),
            list => !list.Contains("Ezra", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the booker's details to be erased in Surgeries");
        var booking = Assert.Single(JsonNode.Parse(bookings)!["bookings"]!.AsArray())!;
        Assert.True(booking["detailsErased"]!.GetValue<bool>());
        Assert.DoesNotContain("ezra@", bookings, StringComparison.Ordinal);
        Assert.DoesNotContain("Hearing loop", bookings, StringComparison.Ordinal);

        using var admin = stack.Client(TestTokens.Create("admin", "admin-erasure"));
        var audit = (await admin.GetFromJsonAsync<JsonObject>($"/api/surgeries/audit?subjectType=resident&subjectId={sub}&action=erase"))!;
        Assert.Equal(sub, Assert.Single(audit["entries"]!.AsArray())!["actor"]!.GetValue<string>());
    }
}
