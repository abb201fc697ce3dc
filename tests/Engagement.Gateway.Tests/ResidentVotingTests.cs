using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.Testing;

namespace Engagement.Gateway.Tests;

/// <summary>Messaging and Plans behind the gateway on one virtual host: what a resident's vote needs end to end.</summary>
public sealed class VotingFixture : IAsyncLifetime
{
    public GatewayStack Stack { get; private set; } = null!;

    public async Task InitializeAsync() => Stack = await GatewayStack.StartAsync("votes", services: ["messaging", "plans"]);

    public async Task DisposeAsync()
    {
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }
    }
}

/// <summary>
/// Residents vote in practice: their tokens name no area, so Plans learns where they live from their subscription in
/// Messaging (SubscriberAreasChanged over the real broker), and a vote counts only there.
/// </summary>
public sealed class ResidentVotingTests(VotingFixture fx) : IClassFixture<VotingFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private HttpClient Resident(string sub) => fx.Stack.Client(TestTokens.Create("resident", sub));

    private static Task<JsonObject> NearMeWhenKnownAsync(HttpClient resident, string area) => TestInfrastructure.EventuallyAsync(
        async () => (await resident.GetFromJsonAsync<JsonObject>("/api/plans/priorities/near-me"))!,
        v => v["areas"]!.AsArray().Any(a => a!.GetValue<string>() == area), Patience, $"Plans to learn the resident lives in {area}");

    [Fact]
    public async Task a_resident_subscribed_by_postcode_votes_for_their_areas_candidate_and_a_resident_elsewhere_cannot()
    {
        const string area = "bulwell";
        using var near = Resident("vote-near");
        using var far = Resident("vote-far");
        Assert.Equal(HttpStatusCode.Created, (await near.PutAsJsonAsync("/api/messaging/subscriptions/me", new { postcode = "NG6 8AB", interests = new[] { "asb" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await far.PutAsJsonAsync("/api/messaging/subscriptions/me", new { postcode = "NG1 5AB", interests = new[] { "asb" } })).StatusCode);

        using var officer = fx.Stack.Client(TestTokens.Create("neighbourhood", "pc-bulwell", [area]));
        var today = DateOnly.FromDateTime(Engagement.ServiceDefaults.London.Show(DateTimeOffset.UtcNow).DateTime);
        using var csv = new StringContent($"respondent_area,issue_category,free_text,date\n{area},speeding,Cars racing on Highbury Road,{today:yyyy-MM-dd}\n",
            Encoding.UTF8, "text/csv");
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync("/api/plans/priorities/imports/survey", csv)).StatusCode);

        var nearMe = await NearMeWhenKnownAsync(near, area);
        var candidate = Assert.Single(nearMe["priorities"]!.AsArray())!;
        Assert.Equal("speeding", candidate["category"]!.GetValue<string>());
        Assert.False(candidate["youVoted"]!.GetValue<bool>());
        var votes = $"/api/plans/priorities/{candidate["id"]!.GetValue<string>()}/votes";

        using (var first = await near.PostAsync(votes, null))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonObject>())!["votes"]!.GetValue<int>());
        }

        Assert.Equal(HttpStatusCode.OK, (await near.PostAsync(votes, null)).StatusCode);
        var after = Assert.Single((await near.GetFromJsonAsync<JsonObject>("/api/plans/priorities/near-me"))!["priorities"]!.AsArray())!;
        Assert.Equal((1, true), (after["votes"]!.GetValue<int>(), after["youVoted"]!.GetValue<bool>()));

        // A resident of Castle, once Plans knows it, is refused in Bulwell with the problem named.
        Assert.Empty((await NearMeWhenKnownAsync(far, "castle"))["priorities"]!.AsArray());
        using var refused = await far.PostAsync(votes, null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith("/outside-your-areas", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["type"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
