using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Tests;

/// <summary>The personal-data audit log (DPA 2018 s62): every collection, consultation, change and erasure, and the admins' query.</summary>
public sealed class AuditTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private static async Task<JsonObject> AuditAsync(HttpClient admin, string query)
    {
        var response = await admin.GetAsync("/api/messaging/audit" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.BodyAsync();
    }

    private static JsonObject[] Entries(JsonObject page) => page["entries"]!.AsArray().Select(e => e!.AsObject()).ToArray();

    [Fact]
    public async Task every_action_on_a_member_is_logged_with_who_when_why_and_no_personal_data()
    {
        using var comms = f.As(Roles.Communications, "comms-audited");
        using var admin = f.As(Roles.Admin, "admin-auditor");
        var body = KinTestKit.Member(areas: ["berridge"]);
        var started = DateTimeOffset.UtcNow.AddSeconds(-5);

        var id = (await (await comms.RegisterAsync(body, reason: "met at the Berridge community forum")).BodyAsync()).Id();
        await comms.ReadMemberAsync(id, "checking contact details before a reassurance call");
        await comms.ReadAsync("/api/messaging/kin?area=berridge&issue=hate-crime", "choosing who to brief on the hate crime incident");
        await comms.PatchMemberAsync(id, new JsonObject { ["email"] = "moved.on@example.org", ["issues"] = new JsonArray("hate-crime") }, "\"1\"");
        await comms.EraseMemberAsync(id, reason: "member asked to leave the network");

        var page = await AuditAsync(admin, $"?subjectId={id}");
        var entries = Entries(page).Reverse().ToArray();
        Assert.Equal(["collect", "consult", "consult", "change", "erase"], entries.Select(e => e["action"]!.GetValue<string>()));
        Assert.All(entries, e =>
        {
            Assert.Equal("comms-audited", e["actor"]!.GetValue<string>());
            Assert.Equal("communications", e["role"]!.GetValue<string>());
            Assert.True(DateTimeOffset.Parse(e["at"]!.GetValue<string>(), CultureInfo.InvariantCulture) >= started);
        });
        Assert.Equal(
            ["met at the Berridge community forum", "checking contact details before a reassurance call", "choosing who to brief on the hate crime incident",
             "key individual's details updated", "member asked to leave the network"],
            entries.Select(e => e["reason"]!.GetValue<string>()));

        var collect = entries[0];
        Assert.Equal("kin-member", collect["subjectType"]!.GetValue<string>());
        Assert.Equal(id.ToString(), collect["subjectId"]!.GetValue<string>());
        Assert.Equal(["name", "roleInCommunity", "organisation", "email", "phone", "sensitive.faith"], collect["detail"]!["fields"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(["faith"], collect["detail"]!["sensitiveFields"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(["tailored-messages"], collect["detail"]!["consentPurposes"]!.AsArray().Select(x => x!.GetValue<string>()));

        var list = entries[2];
        Assert.Equal("kin-register", list["subjectType"]!.GetValue<string>());
        Assert.Equal(1, list["detail"]!["count"]!.GetValue<int>());
        Assert.Equal("berridge", list["detail"]!["filter"]!["area"]!.GetValue<string>());
        Assert.Equal("hate-crime", list["detail"]!["filter"]!["issue"]!.GetValue<string>());
        Assert.Equal([id.ToString()], list["detail"]!["subjectIds"]!.AsArray().Select(x => x!.GetValue<string>()));

        Assert.Equal(["issues", "email"], entries[3]["detail"]!["fields"]!.AsArray().Select(x => x!.GetValue<string>()));

        foreach (var value in KinTestKit.PersonalValues(body).Append("moved.on@example.org").Append(body["phone"]!.GetValue<string>().Replace(" ", "", StringComparison.Ordinal)[1..]))
        {
            Assert.Equal(0, await f.CountAsync("select count(*) from messaging.audit_log a where a::text like '%' || @v || '%'", ("v", value)));
            Assert.DoesNotContain(value, page.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task admins_filter_the_log_by_subject_actor_action_and_time()
    {
        using var alice = f.As(Roles.Communications, "comms-alice");
        using var bob = f.As(Roles.Neighbourhood, "pcso-bob", "radford");
        using var admin = f.As(Roles.Admin, "admin-filter");
        var id = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["radford"]));
        var other = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["radford"]));
        await alice.ReadMemberAsync(id, "alice checks before a reassurance call");
        await bob.ReadMemberAsync(id, "bob checks before a beat surgery visit");
        await bob.ReadMemberAsync(other, "bob checks the other member too");

        var bySubject = Entries(await AuditAsync(admin, $"?subjectType=kin-member&subjectId={id}"));
        var byActor = Entries(await AuditAsync(admin, "?actor=pcso-bob"));
        var byAction = Entries(await AuditAsync(admin, $"?action=consult&subjectId={id}"));
        var future = Entries(await AuditAsync(admin, $"?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture))}"));
        var past = Entries(await AuditAsync(admin, $"?to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture))}"));
        var window = Entries(await AuditAsync(admin, $"?actor=comms-alice&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(10).ToString("O", CultureInfo.InvariantCulture))}"));

        Assert.Equal(["consult", "consult", "collect"], bySubject.Select(e => e["action"]!.GetValue<string>()));
        Assert.All(bySubject, e => Assert.Equal(id.ToString(), e["subjectId"]!.GetValue<string>()));
        Assert.Equal(["bob checks the other member too", "bob checks before a beat surgery visit"], byActor.Select(e => e["reason"]!.GetValue<string>()));
        Assert.Equal(["pcso-bob", "comms-alice"], byAction.Select(e => e["actor"]!.GetValue<string>()));
        Assert.Empty(future);
        Assert.Empty(past);
        Assert.Equal(["alice checks before a reassurance call"], window.Select(e => e["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task asking_about_a_member_also_finds_the_list_reads_that_showed_them()
    {
        using var comms = f.As(Roles.Communications, "comms-lister");
        using var admin = f.As(Roles.Admin);
        var id = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["leen-valley"]));
        await comms.ReadAsync("/api/messaging/kin?area=leen-valley", "planning the leen valley KIN briefing");
        await comms.ReadAsync("/api/messaging/kin?area=castle", "planning the castle KIN briefing");

        var entries = Entries(await AuditAsync(admin, $"?subjectId={id}&action=consult"));

        var read = Assert.Single(entries);
        Assert.Equal("kin-register", read["subjectType"]!.GetValue<string>());
        Assert.Equal("planning the leen valley KIN briefing", read["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_log_pages_newest_first_with_at_most_five_hundred_a_page()
    {
        using var comms = f.As(Roles.Communications, "comms-pager");
        using var admin = f.As(Roles.Admin);
        var id = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["hyson-green-arboretum"]));
        for (var i = 0; i < 4; i++)
        {
            await comms.ReadMemberAsync(id, $"routine check number {i} of the member");
        }

        var first = await AuditAsync(admin, "?actor=comms-pager&limit=3");
        var second = await AuditAsync(admin, first["next"]!.GetValue<string>()["/api/messaging/audit".Length..]);

        Assert.Equal(["routine check number 3 of the member", "routine check number 2 of the member", "routine check number 1 of the member"],
            Entries(first).Select(e => e["reason"]!.GetValue<string>()));
        Assert.Equal(["routine check number 0 of the member"], Entries(second).Select(e => e["reason"]!.GetValue<string>()));
        Assert.Null(second["next"]);
        Assert.True(Entries(first)[0]["id"]!.GetValue<long>() > Entries(first)[1]["id"]!.GetValue<long>());
        foreach (var bad in new[] { "?limit=501", "?limit=0", "?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", "?from=yesterday" })
        {
            var response = await admin.GetAsync("/api/messaging/audit" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/messaging/audit?limit=500")).StatusCode);
    }

    [Fact]
    public async Task only_admins_read_the_audit_log()
    {
        foreach (var role in new[] { Roles.Resident, Roles.Neighbourhood, Roles.Communications })
        {
            using var client = f.As(role);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/messaging/audit")).StatusCode);
        }

        using var anonymous = f.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/messaging/audit")).StatusCode);
        using var admin = f.As(Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/messaging/audit")).StatusCode);
    }
}
