using System.Text.Json;
using System.Text.Json.Nodes;
using Engagement.Messaging.Kin;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Tests;

/// <summary>The register's decisions as pure functions: given a member, when a command, then an event or a refusal.</summary>
public sealed class KinDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly AreaDirectory Areas = new(
    [
        new Area("radford", "Radford", "Nottingham", [], []),
        new Area("meadows", "Meadows", "Nottingham", [], []),
    ]);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static KinRequest Request() => new(
        " Amrit Kaur ", "Gurdwara Committee", "Secretary", ["radford", "meadows", "radford"], ["Hate-Crime", "youth"], "amrit@example.org",
        "07700 900123", "EMAIL", null,
        [new ConsentRequest("tailored-messages", Now.AddDays(-1), "written", "kin-2025-01")], new DateOnly(2027, 3, 1),
        new Dictionary<string, SensitiveFieldRequest?> { ["faith"] = new("Sikh", "To invite to faith-community reassurance meetings") });

    private static KeyIndividual Registered() => KeyIndividual.Initial.Evolve(RegisterKeyIndividual.Decide(Guid.NewGuid(), Request(), Now, Areas, "comms-1"));

    private static KinPatch Patch(string json) => KinPatch.Parse(JsonNode.Parse(json)!.AsObject(), Json);

    [Fact]
    public void a_valid_registration_is_one_event_with_its_values_made_canonical()
    {
        var e = RegisterKeyIndividual.Decide(Guid.NewGuid(), Request(), Now, Areas, "comms-1");

        Assert.Equal("Amrit Kaur", e.Person!.Name);
        Assert.Equal("+447700900123", e.Person.Phone);
        Assert.Equal(["meadows", "radford"], e.Profile.Areas);
        Assert.Equal(["hate-crime", "youth"], e.Profile.Issues);
        Assert.Equal("email", e.Profile.PreferredChannel);
        Assert.Equal("en", e.Profile.Language);
        Assert.Equal(Now, e.At);
        Assert.Equal("kin:" + e.MemberId, ((MartenAdditions.IHasPersonalData)e).DataSubjectId);
    }

    [Fact]
    public void a_patch_names_the_fields_it_changed_and_merges_sensitive_fields_by_name()
    {
        var s = Registered();

        var e = ChangeKeyIndividual.Decide(s, Patch("""{"email": "new@example.org", "sensitive": {"faith": null, "ethnicity": {"value": "Indian", "purpose": "Monitoring the reach of engagement"}}}"""), Now, Areas, "comms-2");

        Assert.Equal(["email", "sensitive.ethnicity", "sensitive.faith"], e.Fields);
        Assert.Equal("new@example.org", e.Person!.Email);
        Assert.Equal(["ethnicity"], e.Person.Sensitive.Keys);
        Assert.Equal(s.Person!.Name, e.Person.Name);
        Assert.Equal(s.Profile.Areas, s.Evolve(e).Profile.Areas);
        Assert.Equal(s.Profile.Consents, s.Evolve(e).Profile.Consents);
    }

    [Fact]
    public void a_patch_that_changes_nothing_is_refused()
    {
        var error = Assert.Throws<ValidationFailedException>(() => ChangeKeyIndividual.Decide(Registered(), Patch("""{"language": "en", "phone": "+44 7700 900123"}"""), Now, Areas, "comms-2"));

        Assert.Equal(["body"], error.Errors!.Keys);
    }

    [Fact]
    public void a_review_date_that_has_passed_blocks_no_correction_but_a_new_one_must_be_in_the_future()
    {
        var s = Registered();
        var later = new DateTimeOffset(2027, 6, 1, 9, 0, 0, TimeSpan.Zero);

        var corrected = ChangeKeyIndividual.Decide(s, Patch("""{"roleInCommunity": "Chair"}"""), later, Areas, "comms-2");
        var error = Assert.Throws<ValidationFailedException>(() => ChangeKeyIndividual.Decide(s, Patch("""{"reviewOn": "2027-05-01"}"""), later, Areas, "comms-2"));

        Assert.Equal(["roleInCommunity"], corrected.Fields);
        Assert.Equal(["reviewOn"], error.Errors!.Keys);
    }

    [Fact]
    public void an_erased_member_holds_nothing_personal_and_cannot_be_changed_or_erased_again()
    {
        var s = Registered();
        var erased = s.Evolve(EraseKeyIndividual.Decide(s, Now, "comms-3"));

        Assert.True(erased.Erased);
        Assert.False(erased.Exists);
        Assert.Null(erased.Person);
        Assert.False(erased.Profile.Contactable);
        Assert.Throws<NotFoundException>(() => ChangeKeyIndividual.Decide(erased, Patch("""{"language": "cy"}"""), Now, Areas, "comms-2"));
        Assert.Throws<NotFoundException>(() => EraseKeyIndividual.Decide(erased, Now, "comms-3"));
    }

    [Theory]
    [InlineData("""{"shoeSize": 9}""", "shoeSize")]
    [InlineData("""{"areas": "radford"}""", "areas")]
    [InlineData("""{"reviewOn": "next spring"}""", "reviewOn")]
    public void a_patch_with_an_unknown_field_or_a_value_of_the_wrong_type_is_refused(string json, string field)
    {
        var error = Assert.Throws<ValidationFailedException>(() => Patch(json));

        Assert.Equal([field], error.Errors!.Keys);
    }

    [Theory]
    [InlineData("0115 496 0123", "+441154960123", false)]
    [InlineData("07700900123", "+447700900123", true)]
    [InlineData("+44 (0)7700 900123", "+447700900123", true)]
    [InlineData("0800 123 4567", null, false)]
    [InlineData("+1 212 555 0100", null, false)]
    public void uk_numbers_are_recognised_and_mobiles_told_apart(string written, string? e164, bool mobile)
    {
        Assert.Equal(e164, KinRules.NormalisePhone(written));
        Assert.Equal(mobile, KinRules.IsMobile(KinRules.NormalisePhone(written)));
    }
}
