using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using C = Engagement.Contracts;

namespace Engagement.Plans.Tests;

/// <summary>Plans over HTTP on the real service: drafting, objectives, publication, versions and area scope.</summary>
public sealed class PlanTests(PlansFixture fx) : IClassFixture<PlansFixture>
{
    private static object Objective(string title, bool metric = true, bool baseline = true) => new
    {
        title,
        metric = metric ? new { name = "Feeling safe after dark", definition = "Share of respondents who feel safe walking alone after dark" } : null,
        baseline = baseline ? new { value = 54.0, period = "2025/26 neighbourhood survey" } : null,
        target = new { value = 60.0, by = DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(11).ToString("yyyy-MM-dd") },
        dataSource = "Neighbourhood survey",
        owner = "neighbourhood-policing-team",
        engagement = "consult",
    };

    private async Task<(Guid Id, string ETag)> DraftAsync(HttpClient client, string area)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/api/plans", new { areaCode = area });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((await response.BodyAsync()).Id(), response.ETag());
    }

    [Fact]
    public async Task the_same_idempotency_key_drafts_one_plan()
    {
        using var officer = fx.Officer("basford");
        using var first = await officer.SendAsync(HttpMethod.Post, "/api/plans", new { areaCode = "basford", months = 6 }, idempotencyKey: "plan-basford-1");
        using var again = await officer.SendAsync(HttpMethod.Post, "/api/plans", new { areaCode = "basford", months = 6 }, idempotencyKey: "plan-basford-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var a = await first.BodyAsync();
        Assert.Equal(a.Id(), (await again.BodyAsync()).Id());
        Assert.Equal(3, a["reviewEveryMonths"]!.GetValue<int>());
        var plans = await (await officer.GetAsync("/api/plans?area=basford")).ArrayAsync();
        Assert.Single(plans);
    }

    [Fact]
    public async Task publishing_is_refused_naming_the_objectives_until_each_has_a_metric_and_a_baseline_then_emits_PlanPublished()
    {
        using var officer = fx.Officer("bulwell");
        var (id, etag) = await DraftAsync(officer, "bulwell");
        using var added = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{id}/objectives", Objective("Reach Roma households", baseline: false), etag);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var objectiveId = (await added.BodyAsync())["objectives"]![0]!["objectiveId"]!.GetValue<string>();

        using var refused = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{id}/publish", new { }, added.ETag());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.BodyAsync();
        Assert.Contains(objectiveId, problem["errors"]!["objectives"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        // Each objective is also named by its place in the plan, as any other field is, with what it lacks.
        Assert.Equal("Needs a baseline before the plan is published.", problem["errors"]!["objectives[0]"]![0]!.GetValue<string>());

        using var replaced = await officer.SendAsync(HttpMethod.Put, $"/api/plans/{id}/objectives/{objectiveId}", Objective("Reach Roma households"), added.ETag());
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        using var published = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{id}/publish", new { }, replaced.ETag());
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(1, (await published.BodyAsync())["publishedRevision"]!.GetValue<int>());

        using var revised = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{id}/publish", new { reason = "Tension after an incident on Highbury Road" }, published.ETag());
        var view = await revised.BodyAsync();
        Assert.Equal(2, view["publishedRevision"]!.GetValue<int>());
        Assert.Equal("Tension after an incident on Highbury Road", view["revisions"]![1]!["reason"]!.GetValue<string>());

        var messages = await fx.Published.WaitForAsync<C.PlanPublished>(p => p.PlanId == id, 2);
        Assert.Equal([1, 2], messages.Select(m => m.Revision).Order());
        Assert.All(messages, m => Assert.Equal("bulwell", m.AreaCode));
    }

    [Fact]
    public async Task a_stale_if_match_is_412_and_a_missing_one_on_a_replacement_is_428()
    {
        using var officer = fx.Officer("aspley");
        var (id, etag) = await DraftAsync(officer, "aspley");
        using var added = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{id}/objectives", Objective("Confidence"), etag);
        using var stale = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{id}/publish", new { }, etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        using var none = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{id}/publish", new { });
        Assert.Equal(HttpStatusCode.PreconditionRequired, none.StatusCode);
    }

    [Fact]
    public async Task staff_act_only_in_their_own_areas()
    {
        using var elsewhere = fx.Officer("aspley");
        using var refused = await elsewhere.SendAsync(HttpMethod.Post, "/api/plans", new { areaCode = "berridge" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var noArea = fx.As(Roles.Neighbourhood);
        using var none = await noArea.SendAsync(HttpMethod.Post, "/api/plans", new { areaCode = "berridge" });
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);

        using var admin = fx.As(Roles.Admin);
        var (id, _) = await DraftAsync(admin, "berridge");
        using var read = await elsewhere.GetAsync($"/api/plans/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        using var analyst = fx.As(Roles.Analyst, "berridge");
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync($"/api/plans/{id}")).StatusCode);
    }

    [Fact]
    public async Task roles_are_enforced_on_every_plan_route()
    {
        HttpClient ClientFor(string role) => role == RoleMatrix.Anonymous ? fx.Anonymous() : fx.As(role, AreaScope.ForceWide);
        var id = Guid.NewGuid();
        await RoleMatrix.AssertAsync(ClientFor, "POST", "/api/plans", "neighbourhood admin", r => r.Content = JsonContent.Create(new { }));
        await RoleMatrix.AssertAsync(ClientFor, "GET", "/api/plans?area=bulwell", "neighbourhood communications analyst admin");
        await RoleMatrix.AssertAsync(ClientFor, "GET", $"/api/plans/{id}", "neighbourhood communications analyst admin");
        await RoleMatrix.AssertAsync(ClientFor, "POST", $"/api/plans/{id}/objectives", "neighbourhood admin", r => r.Content = JsonContent.Create(new { }));
        await RoleMatrix.AssertAsync(ClientFor, "PUT", $"/api/plans/{id}/objectives/{id}", "neighbourhood admin", r => r.Content = JsonContent.Create(new { }));
        await RoleMatrix.AssertAsync(ClientFor, "POST", $"/api/plans/{id}/publish", "neighbourhood admin", r => r.Content = JsonContent.Create(new { }));
        await RoleMatrix.AssertAsync(ClientFor, "GET", "/api/plans/audit", "admin");
    }
}
