using System.Net;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Plans.Tests;

/// <summary>Residents' votes in the community's own ranking: once per resident, under parallel requests too, and kept but unnamed after erasure.</summary>
public sealed class VoteTests(PlansFixture fx) : IClassFixture<PlansFixture>
{
    private const string Area = "aspley";

    private HttpClient Resident(string sub, params string[] areas) => fx.Service.Client(TestTokens.Create(Roles.Resident, sub, areas));

    private static string Url(string category) => $"/api/plans/priorities/{Priorities.Priority.IdFor(Area, category)}/votes";

    [Fact]
    public async Task parallel_votes_from_one_resident_count_once_and_the_ranking_adds_votes_to_mentions()
    {
        await fx.RaiseBySurveyAsync(Area, "speeding", "speeding", "dog-fouling");
        using var amy = Resident("vt-amy", Area);
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => amy.PostAsync(Url("dog-fouling"), null)));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(11, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(1, await fx.CountAsync("select count(*) from plans.priority_votes where resident_id = 'vt-amy'"));
        foreach (var sub in new[] { "vt-bob", "vt-cat" })
        {
            using var resident = Resident(sub, Area);
            using var voted = await resident.PostAsync(Url("dog-fouling"), null);
            Assert.Equal(HttpStatusCode.Created, voted.StatusCode);
        }

        // One mention and three votes rank above two mentions and none.
        using var officer = fx.Officer(Area);
        var ranking = await (await officer.GetAsync($"/api/plans/priorities?area={Area}")).ArrayAsync();
        var first = ranking[0]!;
        Assert.Equal(("dog-fouling", 1, 3, 1), (first["category"]!.GetValue<string>(), first["mentions"]!.GetValue<int>(), first["votes"]!.GetValue<int>(),
            first["communityRank"]!.GetValue<int>()));
        Assert.Equal(("speeding", 2, 0, 2), (ranking[1]!["category"]!.GetValue<string>(), ranking[1]!["mentions"]!.GetValue<int>(), ranking[1]!["votes"]!.GetValue<int>(),
            ranking[1]!["communityRank"]!.GetValue<int>()));

        // Only in an area the resident's token names; only a priority that exists.
        using var nowhere = Resident("vt-dan");
        Assert.Equal(HttpStatusCode.Forbidden, (await nowhere.PostAsync(Url("speeding"), null)).StatusCode);
        using var elsewhere = Resident("vt-eve", "bulwell");
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.PostAsync(Url("speeding"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await amy.PostAsync(Url("no-such-issue"), null)).StatusCode);
        Assert.Equal(1, await fx.CountAsync("select count(*) from plans.audit_log where action = 'collect' and subject_id = 'vt-amy'"));
    }

    [Fact]
    public async Task an_erased_residents_vote_stays_counted_but_names_nobody_and_they_cannot_vote_again()
    {
        await fx.RaiseBySurveyAsync(Area, "parking");
        using var fay = Resident("vt-fay", Area);
        Assert.Equal(HttpStatusCode.Created, (await fay.PostAsync(Url("parking"), null)).StatusCode);

        var erased = new C.ResidentErased(Guid.NewGuid(), fx.Clock.GetUtcNow(), "vt-fay", "vt-fay");
        await fx.Bus.Publish(erased, ctx => ctx.MessageId = erased.EventId);
        await fx.Consumed.WaitForAsync(erased.EventId, 1, Raisers.ResidentErasedConsumer.Name);

        using var officer = fx.Officer(Area);
        var parking = (await (await officer.GetAsync($"/api/plans/priorities?area={Area}")).ArrayAsync()).Single(p => p!["category"]!.GetValue<string>() == "parking")!;
        Assert.Equal(1, parking["votes"]!.GetValue<int>());
        Assert.Equal(0, await fx.CountAsync("select count(*) from plans.priority_votes where resident_id = 'vt-fay'"));
        Assert.Equal(1, await fx.CountAsync("select count(*) from plans.priority_votes where resident_id like 'erased:%'"));
        Assert.Equal(HttpStatusCode.Gone, (await fay.PostAsync(Url("parking"), null)).StatusCode);
    }
}
