using System.Net;
using System.Text.Json.Nodes;
using Engagement.Messaging.Kin;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Engagement.Messaging.Tests;

/// <summary>Erasure crypto-shreds a member: nothing of them is readable anywhere afterwards, and nobody else is touched.</summary>
public sealed class KinErasureTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private IDocumentStore Store => f.Service.Services.GetRequiredService<IDocumentStore>();

    /// <summary>Rows of every table in the service's schema whose text holds the value, table by table.</summary>
    private async Task<Dictionary<string, long>> FindEverywhereAsync(string value)
    {
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var conn = new NpgsqlConnection(f.ConnectionString);
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = 'messaging' and table_type = 'BASE TABLE'", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                tables.Add(r.GetString(0));
            }
        }

        Assert.Contains("mt_events", tables);
        Assert.Contains("mt_doc_kin_member", tables);
        Assert.Contains("audit_log", tables);
        Assert.Contains("kin_members", tables);
        foreach (var table in tables)
        {
            await using var cmd = new NpgsqlCommand($"select count(*) from messaging.{table} t where t::text like '%' || @v || '%'", conn);
            cmd.Parameters.AddWithValue("v", value);
            var n = (long)(await cmd.ExecuteScalarAsync())!;
            if (n > 0)
            {
                found[table] = n;
            }
        }

        return found;
    }

    [Fact]
    public async Task erasure_leaves_no_plaintext_anywhere_and_another_members_data_intact()
    {
        var erasedBody = KinTestKit.Member(areas: ["st-anns"], change: b => b["phone"] = "07700 900871");
        var keptBody = KinTestKit.Member(areas: ["st-anns"]);
        var erased = await f.RegisterMemberAsync(erasedBody);
        var kept = await f.RegisterMemberAsync(keptBody);
        using var comms = f.As(Roles.Communications, "comms-erasure");
        Assert.Equal(HttpStatusCode.OK, (await comms.PatchMemberAsync(erased, new JsonObject { ["roleInCommunity"] = "Chair" }, "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await comms.ReadMemberAsync(erased)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await comms.ReadAsync("/api/messaging/kin?area=st-anns")).StatusCode);
        var plaintexts = KinTestKit.PersonalValues(erasedBody).Append("+447700900871").ToArray();

        var response = await comms.EraseMemberAsync(erased, reason: "member asked to be erased (email of 3 March)");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var gone = await comms.ReadMemberAsync(erased);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.EndsWith("/erased", (await gone.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var value in plaintexts)
        {
            Assert.Empty(await FindEverywhereAsync(value));
        }

        // The key is gone, leaving the store's tombstone: the member's events still load, in order, with nothing personal.
        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.mt_doc_subject_key where id = @s and data->>'key' is null and data->>'erased' is not null", ("s", $"kin:{erased}")));
        Assert.Equal(0, await f.CountAsync("select count(*) from messaging.mt_doc_kin_member where id = @id", ("id", $"kin-{erased}")));
        Assert.Equal(0, await f.CountAsync("select count(*) from messaging.kin_members where member_id = @id", ("id", erased.ToString())));
        var events = await f.StreamAsync($"kin-{erased}");
        Assert.Equal(["key_individual_registered", "key_individual_changed", "key_individual_erased"], events.Select(e => e.EventTypeName));
        Assert.Null(((KeyIndividualRegistered)events[0].Data).Person);
        Assert.Null(((KeyIndividualChanged)events[1].Data).Person);
        Assert.Equal(["roleInCommunity"], ((KeyIndividualChanged)events[1].Data).Fields);
        Assert.Equal(["st-anns"], ((KeyIndividualChanged)events[1].Data).Profile.Areas);
        var (state, version) = (events.Aggregate(KeyIndividual.Initial, (s, e) => s.Evolve(e.Data)), events[^1].Version);
        Assert.True(state.Erased);
        Assert.Null(state.Person);
        Assert.Equal(3, version);

        // The other member is untouched, readable and still targeted.
        var other = await (await comms.ReadMemberAsync(kept)).BodyAsync();
        Assert.Equal(keptBody["name"]!.GetValue<string>(), other["name"]!.GetValue<string>());
        Assert.Equal(keptBody["email"]!.GetValue<string>(), other["email"]!.GetValue<string>());
        Assert.Equal(keptBody["sensitive"]!["faith"]!["value"]!.GetValue<string>(), other["sensitive"]!["faith"]!["value"]!.GetValue<string>());
        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.kin_members where member_id = @id", ("id", kept.ToString())));
        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.mt_doc_subject_key where id = @s and data->>'key' is not null", ("s", $"kin:{kept}")));
        var list = await (await comms.ReadAsync("/api/messaging/kin?area=st-anns")).BodyAsync();
        Assert.Equal([kept], list["members"]!.AsArray().Select(m => m!.AsObject().Id()));
    }

    [Fact]
    public async Task erasure_is_audited_once_and_afterwards_the_member_is_gone_for_reads_changes_and_the_same_key()
    {
        using var comms = f.As(Roles.Communications, "comms-erase-twice");
        var created = await comms.RegisterAsync(KinTestKit.Member(areas: ["dales"]), idempotencyKey: "erase-me");
        var id = (await created.BodyAsync()).Id();

        var first = await comms.EraseMemberAsync(id, reason: "subject access and erasure request");
        var again = await comms.EraseMemberAsync(id);
        var read = await comms.ReadMemberAsync(id);
        var change = await comms.PatchMemberAsync(id, new JsonObject { ["language"] = "cy" }, "\"2\"");
        var reRegister = await comms.RegisterAsync(KinTestKit.Member(areas: ["dales"]), idempotencyKey: "erase-me");
        var unknown = await comms.EraseMemberAsync(Guid.NewGuid());

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        foreach (var refused in new[] { read, change, reRegister })
        {
            Assert.Equal(HttpStatusCode.Gone, refused.StatusCode);
            Assert.EndsWith("/erased", (await refused.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(1, await f.CountAsync(
            "select count(*) from messaging.audit_log where action = 'erase' and subject_type = 'kin-member' and subject_id = @id and actor = 'comms-erase-twice' and reason = 'subject access and erasure request'",
            ("id", id.ToString())));
        Assert.Equal(0, await f.CountAsync("select count(*) from messaging.mt_doc_subject_key where id = @s and data->>'key' is not null", ("s", $"kin:{id}")));
        Assert.Equal(2, await f.CountAsync("select count(*) from messaging.mt_events where stream_id = @s", ("s", $"kin-{id}")));
    }

    [Fact]
    public async Task changes_racing_an_erasure_leave_no_key_and_nothing_readable()
    {
        var body = KinTestKit.Member(areas: ["carlton"]);
        var id = await f.RegisterMemberAsync(body);
        using var comms = f.As(Roles.Communications);
        var roles = Enumerable.Range(0, 6).Select(i => $"Race role {i} {Guid.NewGuid():N}"[..20]).ToArray();

        var patches = roles.Select(r => comms.PatchMemberAsync(id, new JsonObject { ["roleInCommunity"] = r }, "\"1\"")).ToList();
        var erase = comms.EraseMemberAsync(id);
        var statuses = (await Task.WhenAll(patches)).Select(r => r.StatusCode).ToList();
        var erased = await erase;

        // At most one change wins; the others are stale, or meet the erasure (before deciding, or when saving) and are gone.
        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.PreconditionFailed, HttpStatusCode.Gone }));
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) <= 1);
        Assert.Equal(0, await f.CountAsync("select count(*) from messaging.mt_doc_subject_key where id = @s and data->>'key' is not null", ("s", $"kin:{id}")));
        foreach (var value in KinTestKit.PersonalValues(body).Concat(roles))
        {
            Assert.Empty(await FindEverywhereAsync(value));
        }

        Assert.Equal(HttpStatusCode.Gone, (await comms.ReadMemberAsync(id)).StatusCode);
        Assert.All((await f.StreamAsync($"kin-{id}")).Select(e => e.Data).OfType<IKinPersonalData>(), e =>
            Assert.Null(e switch { KeyIndividualRegistered r => r.Person, KeyIndividualChanged c => c.Person, _ => null }));
    }

    [Fact]
    public async Task a_stale_if_match_on_erasure_is_412_and_erases_nothing()
    {
        var id = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["mapperley"]));
        using var comms = f.As(Roles.Communications);
        Assert.Equal(HttpStatusCode.OK, (await comms.PatchMemberAsync(id, new JsonObject { ["language"] = "ro" }, "\"1\"")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/messaging/kin/{id}");
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");

        var response = await comms.SendAsync(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await comms.ReadMemberAsync(id)).StatusCode);
        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.mt_doc_subject_key where id = @s and data->>'key' is not null", ("s", $"kin:{id}")));
    }

    [Fact]
    public async Task kin_contacts_are_decrypted_for_sending_and_an_erased_member_has_none()
    {
        var aBody = KinTestKit.Member(areas: ["beeston"]);
        var bBody = KinTestKit.Member(areas: ["beeston"], change: b =>
        {
            b["preferredChannel"] = "sms";
            b["phone"] = "+44 7700 900456";
            b.Remove("email");
            b["language"] = "ro";
        });
        var a = await f.RegisterMemberAsync(aBody);
        var b = await f.RegisterMemberAsync(bBody);
        var nobody = Guid.NewGuid().ToString();

        var before = await KinContacts.LoadAsync(Store, [a.ToString(), b.ToString(), nobody], CancellationToken.None);
        using var comms = f.As(Roles.Communications);
        Assert.Equal(HttpStatusCode.NoContent, (await comms.EraseMemberAsync(a)).StatusCode);
        var after = await KinContacts.LoadAsync(Store, [a.ToString(), b.ToString()], CancellationToken.None);
        var none = await KinContacts.LoadAsync(Store, [], CancellationToken.None);

        Assert.Equal(2, before.Count);
        Assert.Equal(new KinContact(a.ToString(), aBody["name"]!.GetValue<string>(), aBody["email"]!.GetValue<string>(),
            "+44" + aBody["phone"]!.GetValue<string>().Replace(" ", "", StringComparison.Ordinal)[1..], "email", "pa"), before[a.ToString()]);
        Assert.Equal(new KinContact(b.ToString(), bBody["name"]!.GetValue<string>(), null, "+447700900456", "sms", "ro"), before[b.ToString()]);
        Assert.False(before.ContainsKey(nobody));
        Assert.Equal([b.ToString()], after.Keys);
        Assert.Equal(bBody["name"]!.GetValue<string>(), after[b.ToString()].Name);
        Assert.Empty(none);
    }
}
