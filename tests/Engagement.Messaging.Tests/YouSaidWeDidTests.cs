using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Messaging.YouSaidWeDid;
using Engagement.Testing;
using MassTransit;
using static Engagement.Messaging.Tests.SubscriptionTestKit;
using C = Engagement.Contracts;

namespace Engagement.Messaging.Tests;

/// <summary>"You said, we did": PriorityActioned from Plans, over the real broker, into each raiser's inbox in their language.</summary>
public sealed class YouSaidWeDidTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private static C.PriorityActioned Actioned(Guid id, params string[] raisers) => new(
        id, DateTimeOffset.UtcNow, Guid.NewGuid(), Guid.NewGuid(), "clifton-west", "Speeding on Farnborough Road", new DateOnly(2026, 11, 20),
        "Speed checks with Community Speedwatch every week", "42 drivers warned", raisers);

    private static async Task<JsonArray> InboxAsync(HttpClient client) => (await client.GetFromJsonAsync<JsonObject>("/api/messaging/inbox"))!["items"]!.AsArray();

    [Fact]
    public async Task each_subscribed_raiser_is_told_once_in_their_language_and_an_erased_or_unknown_raiser_gets_nothing()
    {
        var (welsh, english, erased) = (NewSub("ysw-cy"), NewSub("ysw-en"), NewSub("ysw-gone"));
        using var cy = f.Resident(welsh);
        using var en = f.Resident(english);
        using var gone = f.Resident(erased);
        Assert.Equal(HttpStatusCode.Created, (await PutMe(cy, Body(areas: ["clifton-west"], language: "cy"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutMe(en, Body(areas: ["clifton-west"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutMe(gone, Body(areas: ["clifton-west"]))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await gone.DeleteAsync("/api/messaging/subscriptions/me")).StatusCode);

        var message = Guid.NewGuid();
        var actioned = Actioned(message, welsh, english, erased, "ysw-never-subscribed");
        await f.PublishAsync(actioned, message);
        await f.PublishAsync(actioned, message);
        await f.Consumed.WaitForAsync(message, 2);

        var toWelsh = Assert.Single(await InboxAsync(cy))!;
        Assert.Equal(PriorityActionedConsumer.Kind, toWelsh["kind"]!.GetValue<string>());
        Assert.Equal("Dywedoch chi, fe wnaethom ni / You said, we did", toWelsh["subject"]!.GetValue<string>());
        var welshBody = toWelsh["body"]!.GetValue<string>();
        Assert.StartsWith("Fe godoch chi: Speeding on Farnborough Road", welshBody, StringComparison.Ordinal);
        Assert.Contains("Beth wnaethom ni ar 20 Tachwedd 2026: Speed checks with Community Speedwatch every week", welshBody, StringComparison.Ordinal);
        Assert.Contains("What we did on 20 November 2026", welshBody, StringComparison.Ordinal);

        var toEnglish = Assert.Single(await InboxAsync(en))!;
        Assert.Equal("You said, we did", toEnglish["subject"]!.GetValue<string>());
        Assert.Equal("You raised: Speeding on Farnborough Road\n\nWhat we did on 20 November 2026: Speed checks with Community Speedwatch every week\n\n"
            + "The outcome: 42 drivers warned\n\nThank you for telling us. Everything you raised, and what became of it, is in the app.", toEnglish["body"]!.GetValue<string>());

        Assert.Equal(0, await Scalar<long>(f, "select count(*) from messaging.inbox_messages where subscriber_id = @s", erased));
        Assert.Equal(0, await f.ScalarAsync<long>("select count(*) from messaging.inbox_messages where subscriber_id = 'ysw-never-subscribed'"));
    }
}
