using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.Plans.Priorities;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Plans.Tests;

/// <summary>Priorities on the real service and broker: candidates from surgeries and surveys, ranking, choosing, actions.</summary>
public sealed class PriorityTests(PlansFixture fx) : IClassFixture<PlansFixture>
{
    private Task HoldSurgeryAsync(Guid messageId, string area, params C.IssueRaised[] issues) =>
        fx.Bus.Publish(new C.SurgeryHeld(messageId, fx.Clock.GetUtcNow(), Guid.NewGuid(), area, fx.Clock.GetUtcNow().AddHours(-2), 12, issues),
            ctx => ctx.MessageId = messageId);

    private async Task<JsonArray> PrioritiesAsync(HttpClient client, string area) =>
        await (await client.GetAsync($"/api/plans/priorities?area={area}")).ArrayAsync();

    private async Task<JsonArray> EventuallyAsync(HttpClient client, string area, Func<JsonArray, bool> done) =>
        await TestInfrastructure.EventuallyAsync(() => PrioritiesAsync(client, area), done, what: $"{area}'s priorities");

    private async Task<HttpResponseMessage> ImportAsync(HttpClient client, string csv, string source = "survey")
    {
        using var content = new StringContent(csv, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return await client.PostAsync($"/api/plans/priorities/imports/{source}", content);
    }

    [Fact]
    public async Task crime_and_partner_extracts_add_candidates_counting_each_record_once_by_its_reference()
    {
        using var analyst = fx.As(Roles.Analyst, "sherwood");
        const string header = "area,issue_category,summary,date,reference\n";
        using var crime = await ImportAsync(analyst, header + "sherwood,burglary,Sheds entered on Haydn Road,2026-10-01,CR-1001\nsherwood,burglary,Garage entered,2026-10-05,CR-1002\n", "crime");
        Assert.Equal(HttpStatusCode.OK, crime.StatusCode);
        Assert.Equal(1, (await crime.BodyAsync())["raised"]!.GetValue<int>());
        // The next extract overlaps the last: CR-1002 again and one new record.
        using var next = await ImportAsync(analyst, header + "sherwood,burglary,Garage entered,2026-10-05,CR-1002\nsherwood,burglary,Shed entered,2026-10-09,CR-1003\n", "crime");
        var report = await next.BodyAsync();
        Assert.Equal((1, 1), (report["mentioned"]!.GetValue<int>(), report["alreadyCounted"]!.GetValue<int>()));
        using var partner = await ImportAsync(analyst, header + "sherwood,burglary,Housing association reports break-ins to bin stores,2026-10-10,NCH-77\n", "partner");
        Assert.Equal(HttpStatusCode.OK, partner.StatusCode);
        var burglary = (await PrioritiesAsync(analyst, "sherwood")).Single(p => p!["category"]!.GetValue<string>() == "burglary")!;
        Assert.Equal(4, burglary["mentions"]!.GetValue<int>());
        Assert.Equal(["crime", "partner"], burglary["sources"]!.AsArray().Select(x => x!.GetValue<string>()).Order());

        using var bad = await ImportAsync(analyst, header + "sherwood,asb,Noise,2026-10-01,\n", "asb");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await bad.BodyAsync())["errors"]!["line 2, column 5"]);
        using var survey = await ImportAsync(analyst, header + "sherwood,asb,Noise,2026-10-01,X-1\n", "survey");
        Assert.Equal(HttpStatusCode.BadRequest, survey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ImportAsync(analyst, header, "gossip")).StatusCode);
    }

    [Fact]
    public async Task each_issue_raised_at_a_surgery_becomes_a_candidate_once_however_often_the_message_comes()
    {
        using var officer = fx.Officer("bilborough");
        var message = Guid.NewGuid();
        var other = Guid.NewGuid();
        await HoldSurgeryAsync(message, "bilborough", new C.IssueRaised("asb", "Motorbikes on the playing fields"), new C.IssueRaised("Road safety", "Speeding on Wigman Road"));
        await HoldSurgeryAsync(message, "bilborough", new C.IssueRaised("asb", "Motorbikes on the playing fields"), new C.IssueRaised("Road safety", "Speeding on Wigman Road"));
        await HoldSurgeryAsync(other, "bilborough", new C.IssueRaised("ASB", "Motorbikes again, near the library"));
        await fx.Consumed.WaitForAsync(message, 2, SurgeryHeldConsumer.Name);
        await fx.Consumed.WaitForAsync(other, 1, SurgeryHeldConsumer.Name);

        var list = await PrioritiesAsync(officer, "bilborough");
        Assert.Equal(2, list.Count);
        var asb = list.Single(p => p!["category"]!.GetValue<string>() == "asb")!;
        Assert.Equal(2, asb["mentions"]!.GetValue<int>());
        Assert.Equal(1, asb["communityRank"]!.GetValue<int>());
        // Consumers run concurrently, so either surgery may have raised it first; its words are the issue.
        Assert.Contains(asb["issue"]!.GetValue<string>(), new[] { "Motorbikes on the playing fields", "Motorbikes again, near the library" });
        Assert.Equal(["surgery"], asb["sources"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(1, list.Single(p => p!["category"]!.GetValue<string>() == "road-safety")!["mentions"]!.GetValue<int>());
        var raised = await fx.Published.WaitForAsync<C.PriorityRaised>(r => r.AreaCode == "bilborough", 2);
        Assert.Equal(2, raised.Count);
    }

    [Fact]
    public async Task a_survey_file_adds_candidates_and_the_same_file_again_counts_nothing_twice()
    {
        using var analyst = fx.As(Roles.Analyst, "bestwood");
        const string csv = "respondent_area,issue_category,free_text,date\r\nbestwood,Drugs,\"Dealing by the shops, most evenings\",2026-10-02\r\nbestwood,drugs,Cannabis smell on Beckhampton Road,2026-10-03\r\nbestwood,Litter,Fly-tipping behind the flats,2026-10-04\r\n";
        using var first = await ImportAsync(analyst, csv);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var report = await first.BodyAsync();
        Assert.Equal(2, report["raised"]!.GetValue<int>());
        Assert.Equal(1, report["mentioned"]!.GetValue<int>());
        using var again = await ImportAsync(analyst, csv);
        Assert.Equal(3, (await again.BodyAsync())["alreadyCounted"]!.GetValue<int>());
        var list = await PrioritiesAsync(analyst, "bestwood");
        Assert.Equal(2, list.Single(p => p!["category"]!.GetValue<string>() == "drugs")!["mentions"]!.GetValue<int>());

        using var bad = await ImportAsync(analyst, "respondent_area,issue_category,free_text,date\nbestwood,drugs,x,yesterday\n");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await bad.BodyAsync())["errors"]!["line 2, column 4"]);
        using var elsewhere = await ImportAsync(analyst, "respondent_area,issue_category,free_text,date\naspley,drugs,x,2026-10-01\n");
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
    }

    [Fact]
    public async Task the_inspector_adopts_with_a_reason_acts_and_closes_and_each_step_is_published()
    {
        using var officer = fx.Officer("bulwell");
        using var analyst = fx.As(Roles.Analyst, "bulwell");
        using var imported = await ImportAsync(analyst,
            "respondent_area,issue_category,free_text,date\nbulwell,burglary,Sheds broken into <again> & nobody came,2026-11-01\nbulwell,parking,Cars on the pavement,2026-11-02\n");
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var list = await PrioritiesAsync(officer, "bulwell");
        var burglary = list.Single(p => p!["category"]!.GetValue<string>() == "burglary")!.AsObject().Id();
        var parking = list.Single(p => p!["category"]!.GetValue<string>() == "parking")!.AsObject().Id();

        var scores = new Dictionary<string, int>
        {
            ["physical-harm"] = 2, ["psychological-harm"] = 3, ["financial-harm"] = 3, ["community-harm"] = 2, ["scope"] = 2, ["vulnerability"] = 1,
            ["likelihood"] = 4, ["organisational-position"] = 4, ["confidence"] = 3,
        };
        using var assessed = await analyst.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{burglary}/assessment", new { scores });
        Assert.Equal(HttpStatusCode.OK, assessed.StatusCode);
        // (2+3+3+2+2+1+4 + 0.5*4 + 0.5*3) / (8*4) = 20.5/32
        Assert.Equal(64.1, (await assessed.BodyAsync())["score"]!.GetValue<double>());

        using var noReason = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{burglary}/adopt", new { });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        using var adopted = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{burglary}/adopt", new { reason = "Highest harm score and repeat victims" });
        Assert.Equal(HttpStatusCode.OK, adopted.StatusCode);
        using var passed = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{parking}/pass-to-partner",
            new { partner = "Nottingham City Council parking enforcement", reference = "NCC-PE-4471" });
        var referral = (await passed.BodyAsync())["referral"]!;
        Assert.Equal("NCC-PE-4471", referral["reference"]!.GetValue<string>());

        using var stale = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{burglary}/actions",
            new { date = "2026-11-20", text = "Crime prevention visits to every allotment holder", outcome = "Shed alarms fitted" }, ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var today = DateOnly.FromDateTime(London.Show(fx.Clock.GetUtcNow()).DateTime);
        using var actioned = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{burglary}/actions",
            new { date = today.ToString("yyyy-MM-dd"), text = "Crime prevention visits to every allotment holder", outcome = "Shed alarms fitted" }, adopted.ETag(), "action-1");
        Assert.Equal(HttpStatusCode.OK, actioned.StatusCode);
        using var twice = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{burglary}/actions",
            new { date = today.ToString("yyyy-MM-dd"), text = "Crime prevention visits to every allotment holder", outcome = "Shed alarms fitted" }, idempotencyKey: "action-1");
        Assert.Single((await twice.BodyAsync())["actions"]!.AsArray());

        using var closed = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{burglary}/close", new { reason = "Burglaries back to the usual level" });
        Assert.Equal("closed", (await closed.BodyAsync())["status"]!.GetValue<string>());

        var action = Assert.Single(await fx.Published.WaitForAsync<C.PriorityActioned>(a => a.PriorityId == burglary));
        Assert.Equal("Crime prevention visits to every allotment holder", action.Action);
        Assert.Equal("Sheds broken into <again> & nobody came", action.Issue);
        Assert.Single(await fx.Published.WaitForAsync<C.PriorityClosed>(c => c.PriorityId == burglary && c.Category == "burglary"));
    }

    [Fact]
    public async Task an_area_adopts_three_priorities_at_once_by_default()
    {
        using var officer = fx.Officer("basford");
        await HoldSurgeryAsync(Guid.NewGuid(), "basford", new C.IssueRaised("a", "One"), new C.IssueRaised("b", "Two"), new C.IssueRaised("c", "Three"), new C.IssueRaised("d", "Four"));
        var list = await EventuallyAsync(officer, "basford", l => l.Count == 4);
        var ids = list.Select(p => p!.AsObject().Id()).ToList();
        foreach (var id in ids.Take(3))
        {
            using var ok = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{id}/adopt", new { reason = "Chosen at the quarterly meeting" });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var fourth = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{ids[3]}/adopt", new { reason = "One more" });
        Assert.Equal(HttpStatusCode.Conflict, fourth.StatusCode);
    }

    [Fact]
    public async Task a_priority_with_no_action_three_months_after_it_was_raised_is_flagged()
    {
        using var officer = fx.Officer("bestwood");
        using var analyst = fx.As(Roles.Analyst, "bestwood");
        var longAgo = DateOnly.FromDateTime(fx.Clock.GetUtcNow().UtcDateTime).AddMonths(-4);
        using var imported = await ImportAsync(analyst, $"respondent_area,issue_category,free_text,date\nbestwood,graffiti,Tags on the bus shelter,{longAgo:yyyy-MM-dd}\n");
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var graffiti = (await PrioritiesAsync(officer, "bestwood")).Single(p => p!["category"]!.GetValue<string>() == "graffiti")!;
        Assert.True(graffiti["stale"]!.GetValue<bool>());
    }

    [Fact]
    public async Task the_assessment_scale_names_each_dimension_in_force_with_its_weight_and_the_top_of_the_scale()
    {
        using var analyst = fx.As(Roles.Analyst, "bulwell");
        using var response = await analyst.GetAsync("/api/plans/priorities/assessment-scale");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var scale = await response.BodyAsync();
        Assert.Equal(4, scale["scaleMax"]!.GetValue<int>());
        var dimensions = scale["dimensions"]!.AsArray().ToDictionary(d => d!["name"]!.GetValue<string>(), d => d!["weight"]!.GetValue<double>());
        Assert.Equal(RankingOptions.MoRiLE.Keys.Order(StringComparer.Ordinal), dimensions.Keys);
        Assert.Equal(0.5, dimensions["confidence"]);
        Assert.Equal(1, dimensions["likelihood"]);
    }

    [Fact]
    public async Task roles_are_enforced_on_every_priority_route()
    {
        HttpClient ClientFor(string role) => role == RoleMatrix.Anonymous ? fx.Anonymous() : fx.As(role, AreaScope.ForceWide);
        var id = Guid.NewGuid();
        void Empty(HttpRequestMessage r) => r.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        await RoleMatrix.AssertAsync(ClientFor, "GET", "/api/plans/priorities?area=bulwell", "neighbourhood communications analyst admin");
        await RoleMatrix.AssertAsync(ClientFor, "GET", $"/api/plans/priorities/{id}", "neighbourhood communications analyst admin");
        await RoleMatrix.AssertAsync(ClientFor, "POST", "/api/plans/priorities/imports/survey", "neighbourhood analyst admin",
            r => r.Content = new StringContent("not,a,survey", Encoding.UTF8, "text/csv"));
        await RoleMatrix.AssertAsync(ClientFor, "GET", "/api/plans/priorities/assessment-scale", "neighbourhood communications analyst admin");
        await RoleMatrix.AssertAsync(ClientFor, "POST", $"/api/plans/priorities/{id}/assessment", "neighbourhood analyst admin", Empty);
        foreach (var verb in new[] { "adopt", "pass-to-partner", "actions", "close" })
        {
            await RoleMatrix.AssertAsync(ClientFor, "POST", $"/api/plans/priorities/{id}/{verb}", "neighbourhood admin", Empty);
        }
    }
}
