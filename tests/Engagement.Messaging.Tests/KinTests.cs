using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Tests;

/// <summary>The KIN register's life: register, read, list, change, and the rules every member keeps.</summary>
public sealed class KinTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private const string CountWrites =
        "select (select count(*) from messaging.mt_streams) + (select count(*) from messaging.mt_doc_kin_member) + (select count(*) from messaging.kin_members) + (select count(*) from messaging.audit_log where action = 'collect')";

    [Fact]
    public async Task a_member_is_registered_and_read_back_with_every_field()
    {
        using var comms = f.As(Roles.Communications, "comms-reg");
        var body = KinTestKit.Member(areas: ["radford", "lenton-wollaton-east"]);

        var response = await comms.RegisterAsync(body);
        var created = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/messaging/kin/{created.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var read = await comms.ReadMemberAsync(created.Id());
        var member = await read.BodyAsync();
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        Assert.Equal(body["name"]!.GetValue<string>(), member["name"]!.GetValue<string>());
        Assert.Equal(body["organisation"]!.GetValue<string>(), member["organisation"]!.GetValue<string>());
        Assert.Equal("Secretary", member["roleInCommunity"]!.GetValue<string>());
        Assert.Equal(["lenton-wollaton-east", "radford"], member["areas"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["community-cohesion", "hate-crime"], member["issues"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(body["email"]!.GetValue<string>(), member["email"]!.GetValue<string>());
        Assert.Equal("+44" + body["phone"]!.GetValue<string>().Replace(" ", "", StringComparison.Ordinal)[1..], member["phone"]!.GetValue<string>());
        Assert.Equal("email", member["preferredChannel"]!.GetValue<string>());
        Assert.Equal("pa", member["language"]!.GetValue<string>());
        var consent = member["consents"]!.AsArray().Single()!;
        Assert.Equal("tailored-messages", consent["purpose"]!.GetValue<string>());
        Assert.Equal("written", consent["method"]!.GetValue<string>());
        Assert.Equal("kin-2025-01", consent["wordingVersion"]!.GetValue<string>());
        Assert.Equal(body["reviewOn"]!.GetValue<string>(), member["reviewOn"]!.GetValue<string>());
        Assert.False(member["reviewDue"]!.GetValue<bool>());
        Assert.Equal(body["sensitive"]!["faith"]!["value"]!.GetValue<string>(), member["sensitive"]!["faith"]!["value"]!.GetValue<string>());
        Assert.Equal("To invite to faith-community reassurance meetings", member["sensitive"]!["faith"]!["purpose"]!.GetValue<string>());
        Assert.Equal(1, member["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task personal_fields_are_stored_encrypted_and_the_targeting_row_holds_none()
    {
        var body = KinTestKit.Member(areas: ["bestwood"], issues: ["knife-crime", "youth"]);
        var id = await f.RegisterMemberAsync(body);

        foreach (var value in KinTestKit.PersonalValues(body))
        {
            Assert.Equal(0, await f.CountAsync("select count(*) from messaging.mt_events where data::text like '%' || @v || '%'", ("v", value)));
            Assert.Equal(0, await f.CountAsync("select count(*) from messaging.mt_doc_kin_member where data::text like '%' || @v || '%'", ("v", value)));
        }

        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.mt_events where stream_id = @s and type = 'key_individual_registered'", ("s", $"kin-{id}")));
        Assert.Equal(1, await f.CountAsync(
            "select count(*) from messaging.kin_members where member_id = @id and area_codes = '{bestwood}' and issues = '{knife-crime,youth}' and preferred_channel = 'email' and language = 'pa' and active",
            ("id", id.ToString())));
        // The row's columns are exactly the non-personal targeting ones.
        Assert.Equal(7, await f.CountAsync("select count(*) from information_schema.columns where table_schema = 'messaging' and table_name = 'kin_members'"));
    }

    [Fact]
    public async Task the_list_filters_by_area_and_issue_and_shows_no_contact_or_sensitive_details()
    {
        var knifeInAspley = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["aspley"], issues: ["knife-crime"]));
        var fraudInAspley = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["aspley"], issues: ["fraud"]));
        var knifeInBulwell = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["bulwell"], issues: ["knife-crime"]));
        using var comms = f.As(Roles.Communications);

        var both = await (await comms.ReadAsync("/api/messaging/kin?area=aspley&issue=knife-crime")).BodyAsync();
        var area = await (await comms.ReadAsync("/api/messaging/kin?area=aspley")).BodyAsync();
        var issue = await (await comms.ReadAsync("/api/messaging/kin?issue=knife-crime")).BodyAsync();

        static Guid[] Ids(JsonObject page) => page["members"]!.AsArray().Select(m => m!.AsObject().Id()).ToArray();
        Assert.Contains(knifeInAspley, Ids(both));
        Assert.DoesNotContain(fraudInAspley, Ids(both));
        Assert.DoesNotContain(knifeInBulwell, Ids(both));
        Assert.Contains(knifeInAspley, Ids(area));
        Assert.Contains(fraudInAspley, Ids(area));
        Assert.DoesNotContain(knifeInBulwell, Ids(area));
        Assert.Contains(knifeInAspley, Ids(issue));
        Assert.Contains(knifeInBulwell, Ids(issue));
        Assert.DoesNotContain(fraudInAspley, Ids(issue));
        var item = both["members"]!.AsArray().Single(m => m!.AsObject().Id() == knifeInAspley)!.AsObject();
        Assert.StartsWith("Amrit Kaur-Test", item["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["tailored-messages"], item["consentPurposes"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Null(item["email"]);
        Assert.Null(item["phone"]);
        Assert.Null(item["sensitive"]);
    }

    [Fact]
    public async Task the_list_pages_with_a_link_to_the_next_page()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await f.RegisterMemberAsync(KinTestKit.Member(areas: ["warsop"], issues: ["rural-crime"])));
        }

        using var comms = f.As(Roles.Communications);
        var first = await (await comms.ReadAsync("/api/messaging/kin?area=warsop&limit=2")).BodyAsync();
        var next = first["next"]!.GetValue<string>();
        var second = await (await comms.ReadAsync(next)).BodyAsync();

        Assert.Equal(2, first["members"]!.AsArray().Count);
        Assert.Single(second["members"]!.AsArray());
        Assert.Null(second["next"]);
        var seen = first["members"]!.AsArray().Concat(second["members"]!.AsArray()).Select(m => m!.AsObject().Id()).ToList();
        Assert.Equal(ids.Order(), seen.Order());
        Assert.Equal(HttpStatusCode.BadRequest, (await comms.ReadAsync("/api/messaging/kin?limit=501")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await comms.ReadAsync("/api/messaging/kin?area=atlantis")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await comms.ReadAsync("/api/messaging/kin?issue=littering")).StatusCode);
    }

    [Fact]
    public async Task a_patch_changes_only_what_it_names_and_moves_the_version()
    {
        var body = KinTestKit.Member(areas: ["meadows"]);
        var id = await f.RegisterMemberAsync(body);
        using var comms = f.As(Roles.Communications);

        var response = await comms.PatchMemberAsync(id, new JsonObject
        {
            ["email"] = "new.address@example.org",
            ["areas"] = new JsonArray("meadows", "castle"),
            ["organisation"] = null,
            ["sensitive"] = new JsonObject { ["faith"] = null, ["ethnicity"] = new JsonObject { ["value"] = "Indian", ["purpose"] = "Monitoring reach of engagement across communities" } },
        }, "\"1\"");
        var changed = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        var member = await (await comms.ReadMemberAsync(id)).BodyAsync();
        Assert.Equal("new.address@example.org", member["email"]!.GetValue<string>());
        Assert.Equal(["castle", "meadows"], member["areas"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Null(member["organisation"]);
        Assert.Null(member["sensitive"]!["faith"]);
        Assert.Equal("Indian", member["sensitive"]!["ethnicity"]!["value"]!.GetValue<string>());
        Assert.Equal(body["name"]!.GetValue<string>(), member["name"]!.GetValue<string>());
        Assert.Equal(2, member["version"]!.GetValue<int>());
        Assert.Equal(changed["version"]!.GetValue<int>(), member["version"]!.GetValue<int>());
        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.kin_members where member_id = @id and area_codes = '{castle,meadows}'", ("id", id.ToString())));
        // The event names what changed, and no value of it is readable.
        var fields = await f.ScalarAsync<string>("select data->>'fields' from messaging.mt_events where stream_id = @s and type = 'key_individual_changed'", ("s", $"kin-{id}"));
        Assert.Equal("""["organisation", "areas", "email", "sensitive.ethnicity", "sensitive.faith"]""", fields);
        Assert.Equal(0, await f.CountAsync("select count(*) from messaging.mt_events where data::text like '%new.address@example.org%'"));
    }

    [Fact]
    public async Task a_stale_if_match_is_412_and_a_missing_one_is_428()
    {
        var id = await f.RegisterMemberAsync(KinTestKit.Member());
        using var comms = f.As(Roles.Communications);
        Assert.Equal(HttpStatusCode.OK, (await comms.PatchMemberAsync(id, new JsonObject { ["language"] = "en" }, "\"1\"")).StatusCode);

        var stale = await comms.PatchMemberAsync(id, new JsonObject { ["language"] = "cy" }, "\"1\"");
        var missing = await comms.PatchMemberAsync(id, new JsonObject { ["language"] = "cy" }, null);
        var garbage = await comms.PatchMemberAsync(id, new JsonObject { ["language"] = "cy" }, "\"yesterday\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.EndsWith("/stale-version", (await stale.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var member = await (await comms.ReadMemberAsync(id)).BodyAsync();
        Assert.Equal("en", member["language"]!.GetValue<string>());
        Assert.Equal(2, member["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task a_repeated_idempotency_key_registers_once()
    {
        using var comms = f.As(Roles.Communications, "comms-idem");
        var body = KinTestKit.Member(areas: ["sherwood"]);

        var first = await comms.RegisterAsync(body, idempotencyKey: "kin-once");
        var second = await comms.RegisterAsync(body, idempotencyKey: "kin-once");
        var other = await comms.RegisterAsync(body, idempotencyKey: "kin-twice");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var id = (await first.BodyAsync()).Id();
        Assert.Equal(id, (await second.BodyAsync()).Id());
        Assert.NotEqual(id, (await other.BodyAsync()).Id());
        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.mt_events where stream_id = @s", ("s", $"kin-{id}")));
    }

    [Fact]
    public async Task concurrent_patches_against_one_version_have_exactly_one_winner()
    {
        var id = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["basford"]));
        using var comms = f.As(Roles.Communications);
        string[] languages = ["cy", "pl", "ur", "ro", "ar", "en"];

        var responses = await Task.WhenAll(languages.Select(l => comms.PatchMemberAsync(id, new JsonObject { ["language"] = l }, "\"1\"")));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r != winner), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        var member = await (await comms.ReadMemberAsync(id)).BodyAsync();
        Assert.Equal(2, member["version"]!.GetValue<int>());
        Assert.Equal((await winner.BodyAsync())["language"]!.GetValue<string>(), member["language"]!.GetValue<string>());
        Assert.Equal(2, await f.CountAsync("select count(*) from messaging.mt_events where stream_id = @s", ("s", $"kin-{id}")));
        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.kin_members where member_id = @id and language = @l", ("id", id.ToString()), ("l", member["language"]!.GetValue<string>())));
    }

    [Fact]
    public async Task concurrent_registrations_with_one_idempotency_key_make_one_member()
    {
        using var comms = f.As(Roles.Communications, "comms-idem-race");
        var body = KinTestKit.Member(areas: ["arnold"]);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => comms.RegisterAsync(body, idempotencyKey: "kin-race")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = (await Task.WhenAll(responses.Select(r => r.BodyAsync()))).Select(b => b.Id()).Distinct().ToList();
        var id = Assert.Single(ids);
        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.mt_events where stream_id = @s", ("s", $"kin-{id}")));
        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.audit_log where action = 'collect' and subject_id = @id", ("id", id.ToString())));
    }

    [Fact]
    public async Task a_patch_that_changes_nothing_names_an_unknown_field_or_breaks_a_rule_is_refused_and_changes_nothing()
    {
        var body = KinTestKit.Member();
        var id = await f.RegisterMemberAsync(body);
        using var comms = f.As(Roles.Communications);

        var nothing = await comms.PatchMemberAsync(id, new JsonObject { ["language"] = "pa" }, "\"1\"");
        var unknown = await comms.PatchMemberAsync(id, new JsonObject { ["shoeSize"] = 9 }, "\"1\"");
        var wrongType = await comms.PatchMemberAsync(id, new JsonObject { ["areas"] = "radford" }, "\"1\"");
        var broken = await comms.PatchMemberAsync(id, new JsonObject { ["email"] = "not-an-email", ["sensitive"] = new JsonObject { ["health"] = new JsonObject { ["value"] = "Diabetic" } } }, "\"1\"");
        var clearsContact = await comms.PatchMemberAsync(id, new JsonObject { ["email"] = null }, "\"1\"");
        var missing = await comms.PatchMemberAsync(Guid.NewGuid(), new JsonObject { ["language"] = "cy" }, "\"1\"");

        Assert.Equal(["body"], (await nothing.BodyAsync()).Errors());
        Assert.Equal(["shoeSize"], (await unknown.BodyAsync()).Errors());
        Assert.Equal(["areas"], (await wrongType.BodyAsync()).Errors());
        Assert.Equal(["email", "sensitive.health.purpose"], (await broken.BodyAsync()).Errors().Order());
        Assert.Equal(["preferredChannel"], (await clearsContact.BodyAsync()).Errors());
        Assert.All([nothing, unknown, wrongType, broken, clearsContact], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var member = await (await comms.ReadMemberAsync(id)).BodyAsync();
        Assert.Equal(1, member["version"]!.GetValue<int>());
        Assert.Equal(body["email"]!.GetValue<string>(), member["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_sensitive_field_without_a_purpose_is_refused()
    {
        using var comms = f.As(Roles.Communications);
        var before = await f.CountAsync(CountWrites);

        var response = await comms.RegisterAsync(KinTestKit.Member(change: b => b["sensitive"] = new JsonObject { ["faith"] = new JsonObject { ["value"] = "Hindu" } }));
        var problem = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("s35", problem["errors"]!["sensitive.faith.purpose"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await f.CountAsync(CountWrites));
    }

    public static TheoryData<string, string> BrokenRules => new()
    {
        // case, the field the 400 names
        { "no name", "name" },
        { "no role in the community", "roleInCommunity" },
        { "no areas", "areas" },
        { "an unknown area", "areas" },
        { "no issues", "issues" },
        { "an issue that is not a priority", "issues" },
        { "a malformed email", "email" },
        { "a phone number too short", "phone" },
        { "a phone number abroad", "phone" },
        { "in-app as the channel", "preferredChannel" },
        { "post as the channel", "preferredChannel" },
        { "email channel without an email", "preferredChannel" },
        { "sms channel without a phone", "preferredChannel" },
        { "sms channel with a landline", "preferredChannel" },
        { "a language that is not ISO 639-1", "language" },
        { "no consent", "consents" },
        { "consent to an unknown purpose", "consents[0].purpose" },
        { "consent with no date", "consents[0].givenAt" },
        { "consent given in the future", "consents[0].givenAt" },
        { "consent with no method", "consents[0].method" },
        { "consent with no wording version", "consents[0].wordingVersion" },
        { "the same purpose twice", "consents[1].purpose" },
        { "no review date", "reviewOn" },
        { "a review date today", "reviewOn" },
        { "a sensitive field without a purpose", "sensitive.faith.purpose" },
        { "a sensitive purpose too vague", "sensitive.faith.purpose" },
        { "a sensitive field without a value", "sensitive.faith.value" },
        { "a sensitive field the register does not hold", "sensitive.shoeSize" },
    };

    private static void Break(string rule, JsonObject b)
    {
        JsonObject Consent() => b["consents"]![0]!.AsObject();
        switch (rule)
        {
            case "no name": b["name"] = " "; break;
            case "no role in the community": b.Remove("roleInCommunity"); break;
            case "no areas": b["areas"] = new JsonArray(); break;
            case "an unknown area": b["areas"] = new JsonArray("radford", "atlantis"); break;
            case "no issues": b.Remove("issues"); break;
            case "an issue that is not a priority": b["issues"] = new JsonArray("littering"); break;
            case "a malformed email": b["email"] = "amrit.example.org"; break;
            case "a phone number too short": b["phone"] = "12345"; break;
            case "a phone number abroad": b["phone"] = "+33 1 23 45 67 89"; break;
            case "in-app as the channel": b["preferredChannel"] = "in-app"; break;
            case "post as the channel": b["preferredChannel"] = "post"; break;
            case "email channel without an email": b.Remove("email"); break;
            case "sms channel without a phone": b["preferredChannel"] = "sms"; b.Remove("phone"); break;
            case "sms channel with a landline": b["preferredChannel"] = "sms"; b["phone"] = "0115 496 0123"; break;
            case "a language that is not ISO 639-1": b["language"] = "english"; break;
            case "no consent": b["consents"] = new JsonArray(); break;
            case "consent to an unknown purpose": Consent()["purpose"] = "marketing"; break;
            case "consent with no date": Consent().Remove("givenAt"); break;
            case "consent given in the future": Consent()["givenAt"] = DateTimeOffset.UtcNow.AddDays(2).ToString("O"); break;
            case "consent with no method": Consent().Remove("method"); break;
            case "consent with no wording version": Consent()["wordingVersion"] = ""; break;
            case "the same purpose twice": b["consents"]!.AsArray().Add(Consent().DeepClone()); break;
            case "no review date": b.Remove("reviewOn"); break;
            case "a review date today": b["reviewOn"] = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).DateTime).ToString("yyyy-MM-dd"); break;
            case "a sensitive field without a purpose": b["sensitive"]!["faith"]!.AsObject().Remove("purpose"); break;
            case "a sensitive purpose too vague": b["sensitive"]!["faith"]!["purpose"] = "kin"; break;
            case "a sensitive field without a value": b["sensitive"]!["faith"]!["value"] = ""; break;
            case "a sensitive field the register does not hold": b["sensitive"]!["shoeSize"] = new JsonObject { ["value"] = "9", ["purpose"] = "For the annual fun run kit order" }; break;
            default: throw new ArgumentOutOfRangeException(nameof(rule), rule, null);
        }
    }

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public async Task a_member_breaking_a_rule_is_refused_naming_the_field_and_nothing_is_written(string rule, string field)
    {
        using var comms = f.As(Roles.Communications);
        var before = await f.CountAsync(CountWrites);

        var response = await comms.RegisterAsync(KinTestKit.Member(change: b => Break(rule, b)));
        var problem = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/validation", problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([field], problem.Errors());
        Assert.Equal(before, await f.CountAsync(CountWrites));
    }

    [Fact]
    public async Task every_broken_rule_is_reported_at_once()
    {
        using var comms = f.As(Roles.Communications);
        var response = await comms.RegisterAsync(new JsonObject { ["preferredChannel"] = "in-app", ["sensitive"] = new JsonObject { ["faith"] = new JsonObject { ["value"] = "x" } } });
        var errors = (await response.BodyAsync()).Errors();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["areas", "consents", "issues", "name", "preferredChannel", "reviewOn", "roleInCommunity", "sensitive.faith.purpose"], errors.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("+44 7700 900123", "+447700900123")]
    [InlineData("07700-900-123", "+447700900123")]
    [InlineData("0044 7700 900123", "+447700900123")]
    [InlineData("(0115) 496 0123", "+441154960123")]
    [InlineData("+44 (0)115 496 0123", "+441154960123")]
    public async Task uk_phone_numbers_are_accepted_as_people_write_them_and_kept_in_e164(string written, string kept)
    {
        using var comms = f.As(Roles.Communications);
        var response = await comms.RegisterAsync(KinTestKit.Member(change: b => b["phone"] = written));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(kept, (await response.BodyAsync())["phone"]!.GetValue<string>());
    }

    [Fact]
    public async Task sms_needs_a_mobile_and_then_the_member_is_targeted_by_sms()
    {
        var id = await f.RegisterMemberAsync(KinTestKit.Member(areas: ["clifton-east"], change: b =>
        {
            b["preferredChannel"] = "sms";
            b.Remove("email");
            b["language"] = "PL";
        }));

        Assert.Equal(1, await f.CountAsync("select count(*) from messaging.kin_members where member_id = @id and preferred_channel = 'sms' and language = 'pl'", ("id", id.ToString())));
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_a_400_problem()
    {
        using var comms = f.As(Roles.Communications);
        using var content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");

        var response = await comms.PostAsync("/api/messaging/kin", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task a_member_whose_review_date_has_passed_shows_it_is_due()
    {
        var id = await f.RegisterMemberAsync(KinTestKit.Member(change: b =>
            b["reviewOn"] = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(2)).ToString("yyyy-MM-dd")));
        using var comms = f.As(Roles.Communications);
        Assert.False((await (await comms.ReadMemberAsync(id)).BodyAsync())["reviewDue"]!.GetValue<bool>());

        f.Clock.Advance(TimeSpan.FromDays(3));
        try
        {
            var member = await (await comms.ReadMemberAsync(id)).BodyAsync();
            var corrected = await comms.PatchMemberAsync(id, new JsonObject { ["roleInCommunity"] = "Chair" }, "\"1\"");
            var stillPast = await comms.PatchMemberAsync(id, new JsonObject { ["reviewOn"] = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd") }, "\"2\"");

            Assert.True(member["reviewDue"]!.GetValue<bool>());
            // A passed review date does not block a correction; a new review date must be in the future.
            Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
            Assert.Equal(["reviewOn"], (await stillPast.BodyAsync()).Errors());
        }
        finally
        {
            f.Clock.Advance(TimeSpan.FromDays(-3));
        }
    }
}
