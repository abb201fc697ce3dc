using System.Net;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Tests;

/// <summary>
/// Finding a key individual by part of their name: names are sealed per member, so the service searches the decrypted
/// register within the caller's areas, ignoring case and accents; the read is audited with its reason, never with the
/// name looked for; erased members never match.
/// </summary>
public sealed class KinNameSearchTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private async Task<Guid> RegisterAsync(string name, string area) =>
        await f.RegisterMemberAsync(KinTestKit.Member(areas: [area], change: b => b["name"] = name));

    private static Guid[] Ids(JsonObject page) => page["members"]!.AsArray().Select(m => m!.AsObject().Id()).ToArray();

    private static async Task<JsonObject> SearchAsync(HttpClient client, string query)
    {
        var response = await client.ReadAsync("/api/messaging/kin?" + query);
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {body.ToJsonString()}");
        return body;
    }

    [Fact]
    public async Task a_name_is_found_by_any_part_of_it_ignoring_case_and_accents()
    {
        var token = Guid.NewGuid().ToString("N")[..8];
        var sian = await RegisterAsync($"Siân Llŷr-Évans {token}", "radford");
        var other = await RegisterAsync($"Bernard Lowe {token}", "radford");
        using var comms = f.As(Roles.Communications);

        foreach (var part in new[] { "sian llyr", "EVANS", "ân ll", $"llyr-evans {token}" })
        {
            var page = await SearchAsync(comms, $"name={Uri.EscapeDataString(part)}");
            Assert.Contains(sian, Ids(page));
            Assert.DoesNotContain(other, Ids(page));
        }

        var both = await SearchAsync(comms, $"name={token}&area=radford");
        Assert.Equal(new[] { sian, other }.Order(), Ids(both).Order());
        Assert.Empty(Ids(await SearchAsync(comms, $"name={token}&area=aspley")));
        Assert.Empty(Ids(await SearchAsync(comms, $"name=sian%20evans%20{token}")));
    }

    [Fact]
    public async Task staff_find_only_members_whose_areas_lie_within_theirs()
    {
        var token = Guid.NewGuid().ToString("N")[..8];
        var inBulwell = await RegisterAsync($"Dafydd Jones {token}", "bulwell");
        var inAspley = await RegisterAsync($"Dafydd Price {token}", "aspley");
        using var bulwellOfficer = f.As(Roles.Neighbourhood, "nbh-name-search", "bulwell");

        var page = await SearchAsync(bulwellOfficer, $"name=dafydd");

        Assert.Contains(inBulwell, Ids(page));
        Assert.DoesNotContain(inAspley, Ids(page));
        Assert.Empty(Ids(await SearchAsync(bulwellOfficer, $"name=price%20{token}")));
    }

    [Fact]
    public async Task an_erased_member_never_matches()
    {
        var token = Guid.NewGuid().ToString("N")[..8];
        var kept = await RegisterAsync($"Grace Adeyemi {token}", "radford");
        var erased = await RegisterAsync($"Grace Okonjo {token}", "radford");
        using var comms = f.As(Roles.Communications);
        Assert.Equal(HttpStatusCode.NoContent, (await comms.EraseMemberAsync(erased, "they asked to leave the network")).StatusCode);

        var page = await SearchAsync(comms, $"name=grace&area=radford");

        Assert.Contains(kept, Ids(page));
        Assert.DoesNotContain(erased, Ids(page));
        Assert.Empty(Ids(await SearchAsync(comms, $"name=okonjo%20{token}")));
    }

    [Fact]
    public async Task a_search_pages_with_a_next_link_that_keeps_the_name()
    {
        var token = Guid.NewGuid().ToString("N")[..8];
        var matches = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            matches.Add(await RegisterAsync($"Mohammed Ali {token} {i}", "warsop"));
        }

        await RegisterAsync($"Someone Else {token}", "warsop");
        using var comms = f.As(Roles.Communications);

        var first = await SearchAsync(comms, $"name=ali%20{token}&limit=2");
        var next = first["next"]!.GetValue<string>();
        var second = (await (await comms.ReadAsync(next)).BodyAsync());

        Assert.Contains($"name=ali%20{token}", next, StringComparison.Ordinal);
        Assert.Equal(2, Ids(first).Length);
        Assert.Single(Ids(second));
        Assert.Null(second["next"]);
        Assert.Equal(matches.Order(), Ids(first).Concat(Ids(second)).Order());
    }

    [Fact]
    public async Task the_search_is_audited_with_its_reason_but_not_the_name_looked_for()
    {
        var token = Guid.NewGuid().ToString("N")[..8];
        var member = await RegisterAsync($"Zofia Nowak {token}", "radford");
        using var comms = f.As(Roles.Communications, "comms-name-audit");

        await SearchAsync(comms, $"name=nowak%20{token}");

        Assert.Equal(1, await f.CountAsync(
            "select count(*) from messaging.audit_log a where actor = 'comms-name-audit' and action = 'consult' and reason = @r and a::text like '%' || @id || '%'",
            ("r", KinTestKit.Reason), ("id", member.ToString())));
        Assert.Equal(0, await f.CountAsync("select count(*) from messaging.audit_log a where a::text ilike '%' || @v || '%'", ("v", "nowak")));
    }

    [Fact]
    public async Task a_blank_or_overlong_name_is_refused_naming_the_field_and_a_search_needs_a_reason()
    {
        using var comms = f.As(Roles.Communications, "comms-name-refused");

        foreach (var query in new[] { "name=%20%20", "name=" + new string('a', 101) })
        {
            var response = await comms.ReadAsync("/api/messaging/kin?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["name"], (await response.BodyAsync()).Errors());
        }

        var unexplained = await comms.ReadAsync("/api/messaging/kin?name=ali", reason: null);
        Assert.Equal(HttpStatusCode.BadRequest, unexplained.StatusCode);
        Assert.Equal(["X-Access-Reason"], (await unexplained.BodyAsync()).Errors());
        Assert.Equal(0, await f.CountAsync("select count(*) from messaging.audit_log where actor = 'comms-name-refused'"));
    }
}
