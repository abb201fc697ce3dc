using Engagement.Messaging;
using Engagement.Messaging.Subscriptions;

namespace Engagement.Messaging.Tests;

/// <summary>The pure decisions: given a subscription, when the resident asks, then these events (no database).</summary>
public sealed class SubscriptionDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static Preferences Wanted(string? email = null, string? phone = null, string[]? interests = null, string[]? areas = null) =>
        new(null, null, areas ?? ["bulwell"], interests ?? ["asb", "burglary"], email, phone, "en", null, null);

    private static ResidentSubscription Subscribed(string? email = "sam@example.com", string? phone = "+447700900123")
    {
        var fresh = ResidentSubscription.Fresh("sam", 1, 0);
        return SetSubscription.Decide(fresh, Wanted(email, phone), Now).Aggregate(fresh, (s, e) => s.Evolve(e)) with { Version = 3 };
    }

    [Fact]
    public void a_first_subscription_sets_preferences_and_gives_each_contact_detail()
    {
        var events = SetSubscription.Decide(ResidentSubscription.Fresh("sam", 1, 0), Wanted("sam@example.com", "+447700900123"), Now);

        Assert.Collection(events,
            e => Assert.Equal(["bulwell"], Assert.IsType<SubscriptionSet>(e).Areas),
            e => Assert.Equal(("sam@example.com", Now), (Assert.IsType<EmailAddressGiven>(e).Email, ((EmailAddressGiven)e).VerificationSentAt)),
            e => Assert.Equal("+447700900123", Assert.IsType<PhoneNumberGiven>(e).Phone));
    }

    [Fact]
    public void the_same_choices_in_another_order_or_case_change_nothing()
    {
        var s = Subscribed();

        Assert.Empty(SetSubscription.Decide(s, Wanted("SAM@example.com", "+447700900123", interests: ["burglary", "asb"]), Now));
    }

    [Fact]
    public void leaving_out_the_email_unsubscribes_it_and_a_new_address_starts_unverified()
    {
        var s = Subscribed() with { EmailVerified = true };

        var dropped = SetSubscription.Decide(s, Wanted(null, "+447700900123"), Now);
        var changed = SetSubscription.Decide(s, Wanted("sam@example.org", "+447700900123"), Now);

        Assert.Equal(new ChannelUnsubscribed("sam", "email", "preferences"), Assert.Single(dropped));
        var after = s.Evolve(Assert.Single(changed));
        Assert.Equal(("sam@example.org", false), (after.Email, after.EmailVerified));
    }

    [Fact]
    public void unsubscribing_from_all_pauses_and_forgets_contacts_and_a_second_time_decides_nothing()
    {
        var s = Subscribed();

        var paused = Unsubscribe.Decide(s, "all", "link").Aggregate(s, (x, e) => x.Evolve(e));

        Assert.False(paused.Active);
        Assert.Null(paused.Email);
        Assert.Null(paused.Phone);
        Assert.True(paused.Exists);
        Assert.Empty(Unsubscribe.Decide(paused, "all", "link"));
        Assert.Empty(Unsubscribe.Decide(paused, "email", "one-click"));
        Assert.Single(SetSubscription.Decide(paused, Wanted(), Now), e => e is SubscriptionSet);
    }

    [Fact]
    public void a_resident_erased_comes_back_under_the_next_generations_subject()
    {
        Assert.Equal("subscriber:sam", DataSubjects.Subscriber("sam", 1));
        Assert.Equal("subscriber:sam:3", DataSubjects.Subscriber("sam", 3));
        Assert.Equal(["subscriber:sam", "subscriber:sam:2"], DataSubjects.SubscriberUpTo("sam", 2));
    }

    [Theory]
    [InlineData("07700 900123", "+447700900123")]
    [InlineData("+44 (0)7700 900123", "+447700900123")]
    [InlineData("0044 7700-900-123", "+447700900123")]
    [InlineData("447700900123", "+447700900123")]
    [InlineData("07624 123456", "+447624123456")]
    [InlineData("0115 967 0999", null)]
    [InlineData("07000 123456", null)]
    [InlineData("07600 123456", null)]
    [InlineData("0770090012", null)]
    [InlineData("+33 6 12 34 56 78", null)]
    public void uk_mobile_numbers_are_normalised_to_e164_and_others_refused(string given, string? expected) =>
        Assert.Equal(expected, SubscriptionRules.NormaliseMobile(given));
}
