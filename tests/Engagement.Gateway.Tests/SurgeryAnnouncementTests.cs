using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Testing;

namespace Engagement.Gateway.Tests;

/// <summary>Across services, over the real broker: Surgeries publishes, Messaging announces.</summary>
public sealed class SurgeryAnnouncementTests(FullStackFixture fixture) : IClassFixture<FullStackFixture>
{
    [Fact]
    public async Task a_surgery_scheduled_in_surgeries_reaches_the_inboxes_of_the_areas_residents_who_follow_surgeries()
    {
        var stack = fixture.Stack;
        using var follower = stack.Client(TestTokens.Create("resident", "bestwood-follower"));
        using var other = stack.Client(TestTokens.Create("resident", "bestwood-other"));
        Assert.Equal(HttpStatusCode.Created, (await follower.PutAsJsonAsync("/api/messaging/subscriptions/me", new { areas = new[] { "bestwood" }, interests = new[] { "surgeries" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await other.PutAsJsonAsync("/api/messaging/subscriptions/me", new { areas = new[] { "bestwood" }, interests = new[] { "burglary" } })).StatusCode);

        using var team = stack.Client(TestTokens.Create("neighbourhood", "officer-bestwood", ["bestwood"]));
        var starts = DateTimeOffset.UtcNow.AddDays(9);
        var scheduled = await team.PostAsJsonAsync("/api/surgeries", new
        {
            areaCode = "bestwood", title = "Bestwood surgery", startsAt = starts, endsAt = starts.AddHours(1),
            venue = new { name = "Bestwood Library", address = "Padstow Road", postcode = "NG5 5GH", accessible = true },
            capacity = 8, hostOfficer = new { id = "pc-bestwood", name = "PC Bestwood" },
        });
        Assert.Equal(HttpStatusCode.Created, scheduled.StatusCode);
        var surgeryId = (await scheduled.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        var inbox = await TestInfrastructure.EventuallyAsync(async () => (await follower.GetFromJsonAsync<JsonObject>("/api/messaging/inbox"))!,
            i => i["items"]!.AsArray().Any(m => m!["subject"]!.GetValue<string>() == "Beat surgery: Bestwood surgery"), TimeSpan.FromSeconds(30),
            "the announcement to reach the follower's inbox");
        Assert.Contains("Bestwood Library", inbox["items"]!.AsArray().First(m => m!["subject"]!.GetValue<string>().StartsWith("Beat surgery", StringComparison.Ordinal))!["body"]!.GetValue<string>(), StringComparison.Ordinal);

        // Booking the surgery puts a confirmation in the booker's inbox, again by way of the broker.
        Assert.Equal(HttpStatusCode.Created, (await follower.PostAsJsonAsync($"/api/surgeries/{surgeryId}/bookings", new { name = "Fran Follower", contact = "fran@example.org" })).StatusCode);
        await TestInfrastructure.EventuallyAsync(async () => (await follower.GetFromJsonAsync<JsonObject>("/api/messaging/inbox"))!,
            i => i["items"]!.AsArray().Any(m => m!["subject"]!.GetValue<string>() == "Your place is booked"), TimeSpan.FromSeconds(30), "the booking confirmation");

        var otherInbox = (await other.GetFromJsonAsync<JsonObject>("/api/messaging/inbox"))!;
        Assert.DoesNotContain(otherInbox["items"]!.AsArray(), m => m!["subject"]!.GetValue<string>().StartsWith("Beat surgery", StringComparison.Ordinal));
    }
}
