using System.Net;
using Engagement.Testing;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Tests;

/// <summary>Who may touch the register, where, and that nobody reads it without saying why.</summary>
public sealed class KinAccessTests(MessagingFixture f) : IClassFixture<MessagingFixture>, IAsyncLifetime
{
    private Guid _member;

    public async Task InitializeAsync() => _member = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["hucknall"]));

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, string> Endpoints => new()
    {
        // method, path ({m} = a member, {u} = an unknown member), roles allowed
        { "GET", "/api/messaging/kin", "neighbourhood communications admin" },
        { "GET", "/api/messaging/kin/{m}", "neighbourhood communications admin" },
        { "POST", "/api/messaging/kin", "neighbourhood communications admin" },
        { "PATCH", "/api/messaging/kin/{m}", "communications admin" },
        { "DELETE", "/api/messaging/kin/{u}", "communications admin" },
        { "GET", "/api/messaging/audit", "admin" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task each_role_is_allowed_or_refused_as_the_endpoint_says(string method, string path, string allowed)
    {
        var url = path.Replace("{m}", _member.ToString(), StringComparison.Ordinal).Replace("{u}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        await RoleMatrix.AssertAsync(role => role == RoleMatrix.Anonymous ? f.Anonymous() : f.As(role), method, url, allowed, request =>
        {
            request.Headers.Add("X-Access-Reason", KinTestKit.Reason);
            request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            if (method is "POST" or "PATCH")
            {
                // Invalid on purpose: an allowed caller gets 400, so nothing is registered or changed.
                request.Content = JsonContent.Create(new JsonObject { ["name"] = "" });
            }
        });
    }

    [Fact]
    public async Task the_member_is_unchanged_after_the_matrix()
    {
        await each_role_is_allowed_or_refused_as_the_endpoint_says("PATCH", "/api/messaging/kin/{m}", "communications admin");
        using var comms = f.As(Roles.Communications);
        var member = await (await comms.ReadMemberAsync(_member)).BodyAsync();

        Assert.Equal(1, member["version"]!.GetValue<int>());
        Assert.StartsWith("Amrit Kaur-Test", member["name"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task reading_without_a_reason_is_refused_naming_the_header_and_logs_no_consultation()
    {
        using var comms = f.As(Roles.Communications, "comms-no-reason");

        var one = await comms.ReadMemberAsync(_member, reason: null);
        var list = await comms.ReadAsync("/api/messaging/kin", reason: null);
        var tooShort = await comms.ReadMemberAsync(_member, reason: "because");
        var byQuery = await comms.ReadAsync($"/api/messaging/kin/{_member}?reason={Uri.EscapeDataString("checking consent before a reassurance call")}", reason: null);

        foreach (var refused in new[] { one, list, tooShort })
        {
            var problem = await refused.BodyAsync();
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.EndsWith("/access-reason-required", problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(["X-Access-Reason"], problem.Errors());
        }

        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.audit_log where actor = 'comms-no-reason'"));
        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.audit_log where actor = 'comms-no-reason' and reason = 'checking consent before a reassurance call'"));
    }

    [Fact]
    public async Task neighbourhood_staff_read_and_add_members_in_their_own_areas_only()
    {
        var inBulwell = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["bulwell"]));
        var straddling = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["bulwell", "basford"]));
        var inAspley = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["aspley"]));
        using var pcso = f.As(Roles.Neighbourhood, "pcso-bulwell", "bulwell", "bulwell-forest");

        var added = await pcso.RegisterAsync(KinTestKit.Member(areas: ["bulwell-forest", "bulwell"]));
        var own = await pcso.ReadMemberAsync(inBulwell);
        var other = await pcso.ReadMemberAsync(inAspley);
        var partly = await pcso.ReadMemberAsync(straddling);
        var list = await (await pcso.ReadAsync("/api/messaging/kin")).BodyAsync();
        var listElsewhere = await pcso.ReadAsync("/api/messaging/kin?area=aspley");
        var before = await f.CountAsync("select count(*) from messaging.mt_streams");
        var addElsewhere = await pcso.RegisterAsync(KinTestKit.Member(areas: ["bulwell", "basford"]));

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.EndsWith("/outside-your-areas", (await other.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, partly.StatusCode);
        var listed = list["members"]!.AsArray().Select(m => m!.AsObject().Id()).ToList();
        Assert.Contains(inBulwell, listed);
        Assert.Contains((await added.BodyAsync()).Id(), listed);
        Assert.DoesNotContain(straddling, listed);
        Assert.DoesNotContain(inAspley, listed);
        Assert.DoesNotContain(_member, listed);
        Assert.Equal(HttpStatusCode.Forbidden, listElsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, addElsewhere.StatusCode);
        Assert.Equal(before, await f.CountAsync("select count(*) from messaging.mt_streams"));
    }

    [Fact]
    public async Task staff_whose_token_names_no_area_see_and_add_no_member()
    {
        var inBulwell = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["bulwell"]));
        using var pcso = f.WithoutArea(Roles.Neighbourhood, "pcso-no-area");
        using var comms = f.WithoutArea(Roles.Communications, "comms-no-area");

        var read = await pcso.ReadMemberAsync(inBulwell);
        var list = await (await pcso.ReadAsync("/api/messaging/kin")).BodyAsync();
        var listBulwell = await pcso.ReadAsync("/api/messaging/kin?area=bulwell");
        var add = await pcso.RegisterAsync(KinTestKit.Member(areas: ["bulwell"]));
        var commsRead = await comms.ReadMemberAsync(inBulwell);
        var commsList = await (await comms.ReadAsync("/api/messaging/kin")).BodyAsync();

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Empty(list["members"]!.AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, listBulwell.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, add.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, commsRead.StatusCode);
        Assert.Empty(commsList["members"]!.AsArray());
    }

    [Fact]
    public async Task neighbourhood_staff_cannot_change_or_erase_even_in_their_own_area()
    {
        var id = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["bilborough"]));
        using var pcso = f.As(Roles.Neighbourhood, "pcso-bilborough", "bilborough");

        var patch = await pcso.PatchMemberAsync(id, new JsonObject { ["language"] = "cy" }, "\"1\"");
        var erase = await pcso.EraseMemberAsync(id);

        Assert.Equal(HttpStatusCode.Forbidden, patch.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, erase.StatusCode);
        using var comms = f.As(Roles.Communications);
        var member = await (await comms.ReadMemberAsync(id)).BodyAsync();
        Assert.Equal("pa", member["language"]!.GetValue<string>());
        Assert.Equal(1, member["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task residents_are_refused_every_kin_endpoint_even_with_a_reason()
    {
        using var resident = f.Resident("resident-curious");

        var read = await resident.ReadMemberAsync(_member);
        var list = await resident.ReadAsync("/api/messaging/kin");
        var add = await resident.RegisterAsync(KinTestKit.Member());
        var change = await resident.PatchMemberAsync(_member, new JsonObject { ["language"] = "cy" }, "\"1\"");
        var erase = await resident.EraseMemberAsync(_member);
        var audit = await resident.ReadAsync("/api/messaging/audit");

        Assert.All([read, list, add, change, erase, audit], r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal(0, await f.CountAsync("select count(*) from messaging.audit_log where actor = 'resident-curious'"));
        using var comms = f.As(Roles.Communications);
        Assert.Equal(HttpStatusCode.OK, (await comms.ReadMemberAsync(_member)).StatusCode);
    }

    [Fact]
    public async Task the_openapi_document_describes_the_register_and_the_audit_log()
    {
        using var anonymous = f.Anonymous();
        var doc = await (await anonymous.GetAsync("/openapi/v1.json")).BodyAsync();
        var paths = doc["paths"]!.AsObject();

        Assert.Equal(["get", "post"], paths["/api/messaging/kin"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(["delete", "get", "patch"], paths["/api/messaging/kin/{id}"]!.AsObject().Select(p => p.Key).Order());
        Assert.NotNull(paths["/api/messaging/audit"]!["get"]);
    }

    [Fact]
    public async Task communications_staff_change_members_in_any_area()
    {
        var id = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["worksop"]));
        using var comms = f.As(Roles.Communications, "comms-anywhere");

        var moved = await comms.PatchMemberAsync(id, new JsonObject { ["areas"] = new JsonArray("retford", "worksop") }, "\"1\"");

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(["retford", "worksop"], (await moved.BodyAsync())["areas"]!.AsArray().Select(a => a!.GetValue<string>()));
    }
}
