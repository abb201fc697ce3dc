using System.Net;
using Engagement.Testing;
using static Engagement.Messaging.Tests.SubscriptionTestKit;
using C = Engagement.Contracts;

namespace Engagement.Messaging.Tests;

/// <summary>
/// SubscriberAreasChanged: what Plans learns of where a resident lives (the postcode's area, never the postcode), each time
/// the subscription is set or changed or stops, with the stream's version so a late older message can be told apart.
/// </summary>
public sealed class SubscriberAreasTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private async Task<IReadOnlyList<(Guid Id, C.SubscriberAreasChanged Message, string Json)>> PublishedForAsync(string sub, int count) =>
        await TestInfrastructure.EventuallyAsync(
            () => Task.FromResult<IReadOnlyList<(Guid, C.SubscriberAreasChanged, string)>>(f.Published.Messages
                .Where(m => m.Message is C.SubscriberAreasChanged a && a.ResidentId == sub)
                .Select(m => (m.MessageId, (C.SubscriberAreasChanged)m.Message, m.Json)).OrderBy(m => m.Item2.Version).ToList()),
            l => l.Count >= count, what: $"{count} SubscriberAreasChanged for {sub}");

    [Fact]
    public async Task setting_changing_and_stopping_a_subscription_publishes_the_postcodes_area_with_a_growing_version()
    {
        var sub = NewSub("areas");
        using var me = f.Resident(sub);
        (await PutMe(me, Body(postcode: "NG6 8AB", interests: ["burglary"]))).EnsureSuccessStatusCode();
        // Areas chosen only to hear alerts from are not where the resident lives.
        (await PutMe(me, Body(postcode: "NG1 5AB", areas: ["meadows"], interests: ["burglary"]))).EnsureSuccessStatusCode();
        (await PutMe(me, Body(areas: ["meadows"], interests: ["burglary"]))).EnsureSuccessStatusCode();
        (await PutMe(me, Body(postcode: "NG1 5AB", interests: ["burglary"]))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await me.PostAsync("/api/messaging/subscriptions/me/unsubscribe", null)).StatusCode);

        var published = await PublishedForAsync(sub, 5);
        Assert.Equal(["bulwell", "castle", "", "castle", ""], published.Select(p => string.Join(",", p.Message.AreaCodes)));
        Assert.Equal(published.Count, published.Select(p => p.Message.Version).Distinct().Count());
        Assert.All(published, p => Assert.Equal(p.Message.EventId, p.Id));
        Assert.All(published, p => Assert.DoesNotContain("NG1", p.Json, StringComparison.OrdinalIgnoreCase));
        Assert.All(published, p => Assert.DoesNotContain("meadows", p.Json, StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_put_that_changes_nothing_publishes_nothing_and_one_that_changes_only_interests_republishes_the_area()
    {
        var sub = NewSub("same");
        using var me = f.Resident(sub);
        (await PutMe(me, Body(postcode: "NG6 8AB", interests: ["burglary"]))).EnsureSuccessStatusCode();
        (await PutMe(me, Body(postcode: "NG6 8AB", interests: ["burglary"]))).EnsureSuccessStatusCode();
        (await PutMe(me, Body(postcode: "NG6 8AB", interests: ["asb"]))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await me.PostAsync("/api/messaging/subscriptions/me/unsubscribe", null)).StatusCode);

        // The relay publishes in commit order: once the unsubscription is out, anything the unchanged PUT made would be too.
        var published = await TestInfrastructure.EventuallyAsync(() => PublishedForAsync(sub, 1), l => l.Any(p => p.Message.AreaCodes.Count == 0),
            what: "the unsubscription's SubscriberAreasChanged");
        Assert.Equal(["bulwell", "bulwell", ""], published.Select(p => string.Join(",", p.Message.AreaCodes)));
    }
}
