using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using static Engagement.Messaging.Tests.SubscriptionTestKit;
using C = Engagement.Contracts;

namespace Engagement.Messaging.Tests;

/// <summary>The daily worker is off here, so each count is the test's own.</summary>
public sealed class ManualAudienceCountFixture : MessagingFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Messaging:AudienceCount:Daily"] = "false";
}

/// <summary>The daily audience count: numbers per area, by channel and language, and key individuals; once a day; published.</summary>
public sealed class AudienceCountTests(ManualAudienceCountFixture f) : IClassFixture<ManualAudienceCountFixture>
{
    [Fact]
    public async Task the_count_gives_each_area_its_subscribers_by_channel_and_language_and_its_key_individuals_once_a_day()
    {
        using (var a = f.Resident(NewSub("aud-a")))
        {
            Assert.True((await PutMe(a, Body(areas: ["bulwell"], language: "en"))).IsSuccessStatusCode);
        }

        using (var b = f.Resident(NewSub("aud-b")))
        {
            Assert.True((await PutMe(b, Body(areas: ["bulwell", "basford"], phone: "07700900123", language: "pl"))).IsSuccessStatusCode);
        }

        using (var c = f.Resident(NewSub("aud-c")))
        {
            Assert.True((await PutMe(c, Body(areas: ["basford"], phone: "07700900456", language: "cy"))).IsSuccessStatusCode);
        }

        await f.RegisterMemberAsync(KinTestKit.Member(areas: ["bulwell"]));

        using var resident = f.Resident(NewSub("aud-r"));
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.PostAsync("/api/messaging/audience/counts", null)).StatusCode);
        using var comms = f.As(Roles.Communications);
        Assert.Equal(HttpStatusCode.NotFound, (await comms.GetAsync("/api/messaging/audience/counts/latest")).StatusCode);

        using var admin = f.As(Roles.Admin);
        var first = await admin.PostAsync("/api/messaging/audience/counts", null);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var count = await Json(first);
        var bulwell = Area(count, "bulwell");
        Assert.Equal(2, bulwell["subscribers"]!.GetValue<int>());
        Assert.Equal(2, bulwell["subscribersByChannel"]!["inapp"]!.GetValue<int>());
        Assert.Equal(1, bulwell["subscribersByChannel"]!["sms"]!.GetValue<int>());
        Assert.Equal(0, bulwell["subscribersByChannel"]!["email"]!.GetValue<int>());
        Assert.Equal(1, bulwell["subscribersByLanguage"]!["en"]!.GetValue<int>());
        Assert.Equal(1, bulwell["subscribersByLanguage"]!["pl"]!.GetValue<int>());
        Assert.Equal(1, bulwell["kinMembers"]!.GetValue<int>());
        var basford = Area(count, "basford");
        Assert.Equal(2, basford["subscribersByChannel"]!["sms"]!.GetValue<int>());
        Assert.Equal(1, basford["subscribersByLanguage"]!["cy"]!.GetValue<int>());
        Assert.Equal(0, basford["kinMembers"]!.GetValue<int>());
        // An area nobody is subscribed to is in the count, with zeros: it is what the count is for.
        Assert.Equal(0, Area(count, "radford")["subscribers"]!.GetValue<int>());

        // A second count the same day gives the first; the day is counted once.
        var second = await admin.PostAsync("/api/messaging/audience/counts", null);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(count["at"]!.GetValue<DateTimeOffset>(), (await Json(second))["at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(1, await f.ScalarAsync<long>("select count(*) from messaging.mt_events where type = 'audience_counted'"));
        var latest = (await comms.GetFromJsonAsync<JsonObject>("/api/messaging/audience/counts/latest"))!;
        Assert.Equal(2, Area(latest, "bulwell")["subscribers"]!.GetValue<int>());

        // The relay publishes it, with the event's id as the message id, and nothing personal in it.
        var published = await TestInfrastructure.EventuallyAsync(
            () => Task.FromResult(f.Published.Messages.Where(m => m.Message is C.AudienceCounted).ToList()), m => m.Count > 0, what: "AudienceCounted");
        var (messageId, message, json) = Assert.Single(published);
        var counted = (C.AudienceCounted)message;
        Assert.Equal(messageId, counted.EventId);
        Assert.Equal(2, counted.Areas.Single(a => a.AreaCode == "basford").Subscribers);
        Assert.DoesNotContain("aud-", json, StringComparison.Ordinal);
        Assert.DoesNotContain("07700", json, StringComparison.Ordinal);
    }

    private static JsonObject Area(JsonObject count, string code) =>
        count["areas"]!.AsArray().Single(a => a!["areaCode"]!.GetValue<string>() == code)!.AsObject();
}

/// <summary>The daily count at a time already past today: the worker counts the day as soon as the service starts.</summary>
public sealed class DailyAudienceCountFixture : MessagingFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Messaging:AudienceCount:At"] = "00:00";
}

public sealed class DailyAudienceCountTests(DailyAudienceCountFixture f) : IClassFixture<DailyAudienceCountFixture>
{
    [Fact]
    public async Task the_worker_counts_the_day_once_its_time_has_passed()
    {
        var events = await TestInfrastructure.EventuallyAsync(
            () => f.ScalarAsync<long>("select count(*) from messaging.mt_events where type = 'audience_counted'"), n => n > 0, what: "the day's count");
        Assert.Equal(1, events);
        using var admin = f.As(Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/messaging/audience/counts", null)).StatusCode);
    }
}
