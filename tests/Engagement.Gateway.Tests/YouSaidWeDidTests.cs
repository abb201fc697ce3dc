using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using C = Engagement.Contracts;

namespace Engagement.Gateway.Tests;

/// <summary>All four services on one virtual host, with a clock the test moves in Surgeries (a surgery's outcome waits for its start) and a publisher on the same broker.</summary>
public sealed class LoopFixture : IAsyncLifetime
{
    private IHost? _publisher;

    public TestClock SurgeriesClock { get; } = new();
    public GatewayStack Stack { get; private set; } = null!;

    public IBus Bus => _publisher!.Services.GetRequiredService<IBus>();

    public async Task InitializeAsync()
    {
        Stack = await GatewayStack.StartAsync("loop", replacements: new Dictionary<string, Action<IServiceCollection>>
        {
            ["surgeries"] = services => services.AddSingleton<TimeProvider>(SurgeriesClock),
        });
        _publisher = await TestBus.StartAsync(Stack.VirtualHost, _ => { });
    }

    public async Task DisposeAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.StopAsync();
            _publisher.Dispose();
        }

        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }
    }
}

/// <summary>
/// The closed loop end to end, through the gateway and over the real broker: residents book and raise an issue at a
/// surgery, the inspector adopts it and records what was done, and only the raisers who consented and are still
/// subscribed hear back, in their own language.
/// </summary>
public sealed class YouSaidWeDidTests(LoopFixture fx) : IClassFixture<LoopFixture>
{
    private const string Area = "hucknall";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private HttpClient Resident(string sub) => fx.Stack.Client(TestTokens.Create("resident", sub));

    private static async Task<JsonArray> InboxAsync(HttpClient client) => (await client.GetFromJsonAsync<JsonObject>("/api/messaging/inbox"))!["items"]!.AsArray();

    private static bool IsYouSaidWeDid(JsonNode? m) => m!["kind"]!.GetValue<string>() == "you-said-we-did";

    [Fact]
    public async Task a_consenting_raiser_hears_what_was_done_in_their_language_and_nobody_else_does()
    {
        // Three residents: Welsh-speaking and consenting at booking; not consenting; consenting at the surgery, then erased.
        using var welsh = Resident("loop-cy");
        using var quiet = Resident("loop-quiet");
        using var gone = Resident("loop-gone");
        Assert.Equal(HttpStatusCode.Created, (await welsh.PutAsJsonAsync("/api/messaging/subscriptions/me", new { areas = new[] { Area }, interests = new[] { "asb" }, language = "cy" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await quiet.PutAsJsonAsync("/api/messaging/subscriptions/me", new { areas = new[] { Area }, interests = new[] { "asb" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await gone.PutAsJsonAsync("/api/messaging/subscriptions/me", new { areas = new[] { Area }, interests = new[] { "asb" } })).StatusCode);

        using var officer = fx.Stack.Client(TestTokens.Create("neighbourhood", "pc-hucknall", [Area]));
        var starts = fx.SurgeriesClock.GetUtcNow().AddHours(1);
        var scheduled = await officer.PostAsJsonAsync("/api/surgeries", new
        {
            areaCode = Area, title = "Hucknall beat surgery", startsAt = starts, endsAt = starts.AddHours(1),
            venue = new { name = "Hucknall Library", address = "Baker Street", postcode = "NG15 7AS", accessible = true },
            capacity = 10, hostOfficer = new { id = "pc-hucknall", name = "PC Hucknall" },
        });
        Assert.Equal(HttpStatusCode.Created, scheduled.StatusCode);
        var surgeryId = (await scheduled.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        // Public through the gateway without a token, as declared where the route is mapped: police.uk's events feed.
        using (var anyone = fx.Stack.Client())
        {
            var events = (await anyone.GetFromJsonAsync<JsonArray>($"/api/surgeries/police-uk/nottinghamshire/{Area}/events"))!;
            Assert.Contains(events, e => e!["title"]!.GetValue<string>() == "Hucknall beat surgery" && e["type"]!.GetValue<string>() == "surgery");
        }

        Assert.Equal(HttpStatusCode.Created, (await welsh.PostAsJsonAsync($"/api/surgeries/{surgeryId}/bookings",
            new { name = "Carys Cymraeg", contact = "carys@example.org", consentToHearBack = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await quiet.PostAsJsonAsync($"/api/surgeries/{surgeryId}/bookings",
            new { name = "Quinn Quiet", contact = "quinn@example.org" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await gone.PostAsJsonAsync($"/api/surgeries/{surgeryId}/bookings",
            new { name = "Gus Gone", contact = "gus@example.org" })).StatusCode);

        fx.SurgeriesClock.Advance(TimeSpan.FromHours(2));
        var outcome = await officer.PostAsJsonAsync($"/api/surgeries/{surgeryId}/outcome", new
        {
            attendance = 3,
            issuesRaised = new[] { new { category = "asb", summary = "Off-road bikes on the Linby Trail", raisedBy = new[] { "loop-cy", "loop-quiet", "loop-gone" } } },
            consentGivenBy = new[] { "loop-gone" },
        });
        Assert.Equal(HttpStatusCode.OK, outcome.StatusCode);

        // Plans has the candidate with its consenting raisers: the erased-to-be resident still sees it, the one who did not consent never does.
        await TestInfrastructure.EventuallyAsync(async () => await gone.GetFromJsonAsync<JsonArray>("/api/plans/raised"), l => l!.Count == 1, Patience,
            "the issue to reach Plans with its raisers");
        Assert.Empty((await quiet.GetFromJsonAsync<JsonArray>("/api/plans/raised"))!);

        // Erasure in Messaging; ResidentErased is published as Messaging will publish it.
        Assert.Equal(HttpStatusCode.NoContent, (await gone.DeleteAsync("/api/messaging/subscriptions/me")).StatusCode);
        var erasure = Guid.NewGuid();
        await fx.Bus.Publish(new C.ResidentErased(erasure, DateTimeOffset.UtcNow, "loop-gone", "loop-gone"), ctx => ctx.MessageId = erasure);
        await TestInfrastructure.EventuallyAsync(async () => await gone.GetFromJsonAsync<JsonArray>("/api/plans/raised"), l => l!.Count == 0, Patience,
            "Plans to forget the erased raiser");

        using var inspector = fx.Stack.Client(TestTokens.Create("neighbourhood", "insp-hucknall", [Area]));
        var priority = (await inspector.GetFromJsonAsync<JsonArray>($"/api/plans/priorities?area={Area}"))!.Single(p => p!["category"]!.GetValue<string>() == "asb")!;
        var priorityId = priority["id"]!.GetValue<string>();
        var adopted = await inspector.PostAsJsonAsync($"/api/plans/priorities/{priorityId}/adopt", new { reason = "Raised by residents at the surgery; risk to walkers" });
        Assert.Equal(HttpStatusCode.OK, adopted.StatusCode);
        var today = DateOnly.FromDateTime(Engagement.ServiceDefaults.London.Show(DateTimeOffset.UtcNow).DateTime);
        var actioned = await inspector.PostAsJsonAsync($"/api/plans/priorities/{priorityId}/actions",
            new { date = today.ToString("yyyy-MM-dd"), text = "Joint patrols with the council ranger; two bikes seized", outcome = "No reports since" });
        Assert.Equal(HttpStatusCode.OK, actioned.StatusCode);

        var inbox = await TestInfrastructure.EventuallyAsync(() => InboxAsync(welsh), i => i.Any(IsYouSaidWeDid), Patience, "\"You said, we did\" in the Welsh raiser's inbox");
        var told = Assert.Single(inbox, IsYouSaidWeDid)!;
        Assert.Equal("Dywedoch chi, fe wnaethom ni / You said, we did", told["subject"]!.GetValue<string>());
        Assert.Equal("cy", told["language"]!.GetValue<string>());
        var body = told["body"]!.GetValue<string>();
        Assert.StartsWith("Fe godoch chi: Off-road bikes on the Linby Trail", body, StringComparison.Ordinal);
        Assert.Contains("Joint patrols with the council ranger; two bikes seized", body, StringComparison.Ordinal);
        Assert.Contains("You raised: Off-road bikes on the Linby Trail", body, StringComparison.Ordinal);

        // Messaging has handled the action by now (the Welsh raiser's message is in); nobody else was told.
        Assert.DoesNotContain(await InboxAsync(quiet), IsYouSaidWeDid);
        Assert.DoesNotContain(await InboxAsync(gone), IsYouSaidWeDid);
        var mine = Assert.Single((await welsh.GetFromJsonAsync<JsonArray>("/api/plans/raised"))!)!;
        Assert.Equal("adopted", mine["status"]!.GetValue<string>());
        Assert.Equal("Joint patrols with the council ranger; two bikes seized", Assert.Single(mine["actions"]!.AsArray())!["text"]!.GetValue<string>());
        Assert.Empty((await gone.GetFromJsonAsync<JsonArray>("/api/plans/raised"))!);
    }

    [Fact]
    public async Task the_72_hour_reply_clock_reaches_the_plans_evaluation_from_messaging()
    {
        const string area = "bulwell";
        using var resident = Resident("clock-res");
        Assert.Equal(HttpStatusCode.Created, (await resident.PutAsJsonAsync("/api/messaging/subscriptions/me", new { areas = new[] { area }, interests = new[] { "appeals" } })).StatusCode);
        using var comms = fx.Stack.Client(TestTokens.Create("communications", "comms-clock", [area]));
        var sent = await comms.PostAsJsonAsync("/api/messaging/alerts", new
        {
            type = "appeal", priority = "routine", audience = new { areas = new[] { area }, interests = new[] { "appeals" } },
            subject = "Did you see anything?", body = "A van was stolen from Highbury Road on Tuesday night. Did you see anything?",
        });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        await TestInfrastructure.EventuallyAsync(async () => (await comms.GetFromJsonAsync<JsonObject>(sent.Headers.Location!.ToString()))!,
            s => s["status"]!.GetValue<string>() == "completed", Patience, "the alert to complete");
        var alertId = (await sent.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        // Two replies: one answered at once, one left open (within its 72 hours).
        var answeredReply = await resident.PostAsJsonAsync($"/api/messaging/alerts/{alertId}/replies", new { body = "I saw a white van leave at about two in the morning." });
        Assert.Equal(HttpStatusCode.Created, answeredReply.StatusCode);
        var openReply = await resident.PostAsJsonAsync($"/api/messaging/alerts/{alertId}/replies", new { body = "There was a car parked there all evening too." });
        Assert.Equal(HttpStatusCode.Created, openReply.StatusCode);
        var replyId = (await answeredReply.Content.ReadFromJsonAsync<JsonObject>())!["replyId"]!.GetValue<string>();
        using var officer = fx.Stack.Client(TestTokens.Create("neighbourhood", "pc-bulwell", [area]));
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/messaging/replies/{replyId}/answer", new { body = "Thank you; an officer will call." })).StatusCode);

        var drafted = await officer.PostAsJsonAsync("/api/plans", new { areaCode = area });
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var planId = (await drafted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var replies = await TestInfrastructure.EventuallyAsync(
            async () => (await officer.GetFromJsonAsync<JsonObject>($"/api/plans/{planId}/evaluation"))!["replies"]!,
            r => r["received"]!.GetValue<int>() == 2 && r["answeredInTime"]!.GetValue<int>() == 1, Patience, "ReplyReceived and ReplyAnswered to reach Plans");
        Assert.Equal(1, replies["openInTime"]!.GetValue<int>());
        Assert.Equal(0, replies["answeredLate"]!.GetValue<int>());
        Assert.Equal(0, replies["openOverdue"]!.GetValue<int>());
        Assert.Equal(100.0m, replies["shareInTime"]!.GetValue<decimal>());
    }
}
