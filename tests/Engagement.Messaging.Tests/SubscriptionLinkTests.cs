using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Engagement.Messaging.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using static Engagement.Messaging.Tests.SubscriptionTestKit;

namespace Engagement.Messaging.Tests;

/// <summary>Email verification and one-click unsubscribe, through the real SMTP server and the fake SMS provider.</summary>
public sealed partial class SubscriptionLinkTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private LinkTokens Links => f.Service.Services.GetRequiredService<LinkTokens>();

    private async Task<(string Sub, string Email, HttpClient Me)> SubscribeWithEmailAsync(string prefix, string? phone = null)
    {
        var sub = NewSub(prefix);
        var email = $"{sub}@example.com";
        var me = f.Resident(sub);
        (await PutMe(me, Body(areas: ["bulwell"], email: email, phone: phone))).EnsureSuccessStatusCode();
        return (sub, email, me);
    }

    private Task<bool> EmailVerifiedAsync(string sub) => Scalar<bool>(f, "select email_verified from messaging.subscribers where subscriber_id = @s", sub);

    private static HttpRequestMessage OneClick(string path) => new(HttpMethod.Post, path)
    {
        Content = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]),
    };

    [Fact]
    public async Task following_the_emailed_link_verifies_the_address_end_to_end()
    {
        var sub = NewSub("verify");
        var email = $"{sub}@example.com";
        using var me = f.Resident(sub);

        var put = await Json(await PutMe(me, Body(areas: ["bulwell"], email: email)));
        var mail = (await MailsTo(f, email)).Single();
        var before = await EmailVerifiedAsync(sub);
        var followed = await f.Anonymous().GetAsync(VerifyPath(mail.Text));
        var again = await f.Anonymous().GetAsync(VerifyPath(mail.Text));

        Assert.Equal("sent", Str(put["verificationEmail"]));
        Assert.False(put["channels"]!["email"]!["verified"]!.GetValue<bool>());
        Assert.Equal("Confirm your email for neighbourhood alerts", mail.Subject);
        Assert.False(before);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        Assert.Equal("verified", Str((await Json(followed))["status"]));
        Assert.Equal("already-verified", Str((await Json(again))["status"]));
        Assert.True(await EmailVerifiedAsync(sub));
        Assert.True((await Json(await me.GetAsync("/api/messaging/subscriptions/me")))["channels"]!["email"]!["verified"]!.GetValue<bool>());
        Assert.Equal(1L, await Scalar<long>(f, "select count(*) from messaging.audit_log where subject_id = @s and reason = 'email verification link followed'", sub));
        // Verification links carry a keyed hash of the address, never the address.
        Assert.DoesNotContain(Uri.EscapeDataString(email), mail.Text.Replace(email, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_verification_email_carries_unsubscribe_links_in_the_body_and_the_list_unsubscribe_headers()
    {
        var (sub, email, me) = await SubscribeWithEmailAsync("headers");
        using var _ = me;

        var mail = (await MailsTo(f, email)).Single();

        Assert.Contains("/api/messaging/unsubscribe?token=", mail.Text, StringComparison.Ordinal);
        Assert.Matches("^<https?://[^>]+/api/messaging/unsubscribe\\?token=[A-Za-z0-9_-]+>$", mail.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.Equal(sub, Links.ReadUnsubscribe(HeaderToken(mail.Headers["List-Unsubscribe"])).SubscriberId);
    }

    [Fact]
    public async Task a_tampered_verification_link_is_400_and_verifies_nothing()
    {
        var (sub, email, me) = await SubscribeWithEmailAsync("tamper");
        using var _ = me;
        var path = VerifyPath((await MailsTo(f, email)).Single().Text);
        var token = path[(path.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        var flipped = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];

        var responses = new[]
        {
            await f.Anonymous().GetAsync($"/api/messaging/subscriptions/verify-email?token={flipped}"),
            await f.Anonymous().GetAsync($"/api/messaging/subscriptions/verify-email?token={token[..^3]}"),
            await f.Anonymous().GetAsync("/api/messaging/subscriptions/verify-email?token=not*base64"),
            await f.Anonymous().GetAsync("/api/messaging/subscriptions/verify-email"),
            // An unsubscribe token is signed too, but is no verification link.
            await f.Anonymous().GetAsync($"/api/messaging/subscriptions/verify-email?token={Links.UnsubscribeToken(sub, "email")}"),
        };

        foreach (var r in responses)
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            var problem = await Json(r);
            Assert.EndsWith("/link-invalid", Str(problem["type"]), StringComparison.Ordinal);
            Assert.NotNull(problem["errors"]!["token"]);
        }

        Assert.False(await EmailVerifiedAsync(sub));
    }

    [Fact]
    public async Task a_verification_link_followed_after_48_hours_has_expired_and_a_new_one_can_be_asked_for()
    {
        var (sub, email, me) = await SubscribeWithEmailAsync("expired");
        using var _ = me;
        var path = VerifyPath((await MailsTo(f, email)).Single().Text);
        var lateBy = TimeSpan.FromHours(48) + TimeSpan.FromMinutes(1);
        f.Clock.Advance(lateBy);
        try
        {
            var late = await f.Anonymous().GetAsync(path);

            Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
            Assert.EndsWith("/link-expired", Str((await Json(late))["type"]), StringComparison.Ordinal);
            Assert.False(await EmailVerifiedAsync(sub));

            var resent = await me.PostAsync("/api/messaging/subscriptions/me/email/verification", null);
            Assert.Equal("sent", Str((await Json(resent))["verificationEmail"]));
            var fresh = VerifyPath((await MailsTo(f, email, atLeast: 2)).Select(m => m.Text).Single(t => VerifyPath(t) != path));
            Assert.Equal(HttpStatusCode.OK, (await f.Anonymous().GetAsync(fresh)).StatusCode);
            Assert.True(await EmailVerifiedAsync(sub));
            Assert.Equal(HttpStatusCode.Conflict, (await me.PostAsync("/api/messaging/subscriptions/me/email/verification", null)).StatusCode);
        }
        finally
        {
            // Other tests in this class share the clock.
            f.Clock.Advance(-lateBy);
        }
    }

    [Fact]
    public async Task a_link_sent_to_an_old_address_cannot_verify_the_new_one()
    {
        var (sub, email, me) = await SubscribeWithEmailAsync("moved");
        using var _ = me;
        var oldLink = VerifyPath((await MailsTo(f, email)).Single().Text);
        (await PutMe(me, Body(areas: ["bulwell"], email: $"new-{email}"))).EnsureSuccessStatusCode();

        var response = await f.Anonymous().GetAsync(oldLink);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.EndsWith("/link-superseded", Str((await Json(response))["type"]), StringComparison.Ordinal);
        Assert.False(await EmailVerifiedAsync(sub));
        Assert.Single(await MailsTo(f, $"new-{email}"));
    }

    [Fact]
    public async Task get_on_an_unsubscribe_link_only_asks_and_changes_nothing()
    {
        var (sub, email, me) = await SubscribeWithEmailAsync("ask");
        using var _ = me;
        var path = UnsubscribePath((await MailsTo(f, email)).Single().Text);

        var json = await f.Anonymous().GetAsync(path);
        using var htmlRequest = new HttpRequestMessage(HttpMethod.Get, path);
        htmlRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var html = await f.Anonymous().SendAsync(htmlRequest);
        var page = await html.Content.ReadAsStringAsync();

        Assert.Equal("confirm", Str((await Json(json))["status"]));
        Assert.Equal("email", Str((await Json(json))["channel"]));
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<form method=\"post\"", page, StringComparison.Ordinal);
        Assert.Contains("name=\"List-Unsubscribe\" value=\"One-Click\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain(email, page, StringComparison.Ordinal);
        var view = await Json(await me.GetAsync("/api/messaging/subscriptions/me"));
        Assert.Equal(email, Str(view["channels"]!["email"]!["address"]));

        // The page's button posts back to the link's own URL, relative to where the page was served.
        var action = WebUtility.HtmlDecode(FormAction().Match(page).Groups[1].Value);
        var posted = await f.Anonymous().SendAsync(OneClick(new Uri(new Uri(f.Service.BaseAddress, path), action).PathAndQuery));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Null((await Json(await me.GetAsync("/api/messaging/subscriptions/me")))["channels"]!["email"]);
    }

    [Fact]
    public async Task one_click_post_from_a_mail_client_stops_email_only_and_a_second_click_is_harmless()
    {
        var (sub, email, me) = await SubscribeWithEmailAsync("oneclick", phone: "07700 900321");
        using var _ = me;
        var mail = (await MailsTo(f, email)).Single();
        (await f.Anonymous().GetAsync(VerifyPath(mail.Text))).EnsureSuccessStatusCode();
        Assert.True(await EmailVerifiedAsync(sub));
        var header = new Uri(mail.Headers["List-Unsubscribe"].Trim('<', '>')).PathAndQuery;

        var first = await f.Anonymous().SendAsync(OneClick(header));
        var second = await f.Anonymous().SendAsync(OneClick(header));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("unsubscribed", Str((await Json(first))["status"]));
        Assert.Equal("already-unsubscribed", Str((await Json(second))["status"]));
        Assert.False(await EmailVerifiedAsync(sub));
        Assert.True(await Scalar<bool>(f, "select sms_enabled and active from messaging.subscribers where subscriber_id = @s", sub));
        var view = await Json(await me.GetAsync("/api/messaging/subscriptions/me"));
        Assert.Null(view["channels"]!["email"]);
        Assert.NotNull(view["channels"]!["sms"]);
        Assert.Equal(1L, await Scalar<long>(f, "select count(*) from messaging.audit_log where subject_id = @s and reason = 'one-click unsubscribe' and actor = @s", sub));
    }

    [Fact]
    public async Task the_link_in_the_confirmation_text_stops_sms_with_a_plain_post()
    {
        var sub = NewSub("smsstop");
        var number = "+4475" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        using var me = f.Resident(sub);
        (await PutMe(me, Body(areas: ["bulwell"], phone: number))).EnsureSuccessStatusCode();
        var path = UnsubscribePath(f.Sms.Sent.Single(s => s.To == number).Body);

        var response = await f.Anonymous().PostAsync(path, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sms", Str((await Json(response))["channel"]));
        Assert.False(await Scalar<bool>(f, "select sms_enabled from messaging.subscribers where subscriber_id = @s", sub));
        Assert.True(await Scalar<bool>(f, "select active from messaging.subscribers where subscriber_id = @s", sub));
        Assert.Equal(1L, await Scalar<long>(f, "select count(*) from messaging.audit_log where subject_id = @s and reason = 'unsubscribe link'", sub));
    }

    [Fact]
    public async Task unsubscribing_from_all_pauses_every_alert_until_the_resident_subscribes_again()
    {
        var (sub, _, me) = await SubscribeWithEmailAsync("all", phone: "07700 900654");
        using var __ = me;
        var all = new Uri(Links.UnsubscribeUrl(sub, "all")).PathAndQuery;

        var response = await f.Anonymous().SendAsync(OneClick(all));

        Assert.Equal("unsubscribed", Str((await Json(response))["status"]));
        Assert.False(await Scalar<bool>(f, "select active or email_verified or sms_enabled from messaging.subscribers where subscriber_id = @s", sub));
        var paused = await Json(await me.GetAsync("/api/messaging/subscriptions/me"));
        Assert.False(paused["active"]!.GetValue<bool>());
        Assert.False(paused["channels"]!["inApp"]!.GetValue<bool>());
        Assert.Null(paused["channels"]!["email"]);
        Assert.Null(paused["channels"]!["sms"]);

        var back = await Json(await PutMe(me, Body(areas: ["bulwell"])));
        Assert.True(back["active"]!.GetValue<bool>());
        Assert.True(await Scalar<bool>(f, "select active from messaging.subscribers where subscriber_id = @s", sub));
    }

    [Fact]
    public async Task unsubscribe_links_are_refused_when_tampered_or_a_year_old()
    {
        var sub = NewSub("old");
        using var me = f.Resident(sub);
        (await PutMe(me, Body(areas: ["bulwell"], phone: "07700 900987"))).EnsureSuccessStatusCode();
        var path = new Uri(Links.UnsubscribeUrl(sub, "sms")).PathAndQuery;
        var tamperedPath = path[..^6] + (path[^6] == 'A' ? 'B' : 'A') + path[^5..];

        var tampered = await f.Anonymous().PostAsync(tamperedPath, null);
        var verifyAsUnsubscribe = await f.Anonymous().PostAsync($"/api/messaging/unsubscribe?token={Links.VerifyEmailToken(sub, "x@example.com")}", null);
        HttpResponseMessage stillGood, expired;
        try
        {
            f.Clock.Advance(TimeSpan.FromDays(300));
            stillGood = await f.Anonymous().GetAsync(path);
            f.Clock.Advance(TimeSpan.FromDays(66));
            expired = await f.Anonymous().PostAsync(path, null);
        }
        finally
        {
            f.Clock.Advance(TimeSpan.FromDays(-366));
        }

        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        Assert.EndsWith("/link-invalid", Str((await Json(tampered))["type"]), StringComparison.Ordinal);
        Assert.EndsWith("/link-invalid", Str((await Json(verifyAsUnsubscribe))["type"]), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stillGood.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.EndsWith("/link-expired", Str((await Json(expired))["type"]), StringComparison.Ordinal);
        Assert.True(await Scalar<bool>(f, "select sms_enabled from messaging.subscribers where subscriber_id = @s", sub));
    }

    [Fact]
    public void link_tokens_name_their_subscriber_and_channel_and_stay_short_enough_for_sms()
    {
        var url = Links.UnsubscribeUrl("resident-0123456789", "sms");
        var token = url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..];

        var link = Links.ReadUnsubscribe(token);

        Assert.StartsWith("http://localhost:8080/api/messaging/unsubscribe?token=", url, StringComparison.Ordinal);
        Assert.Equal(("resident-0123456789", "sms"), (link.SubscriberId, link.Channel));
        Assert.InRange(link.Expires - f.Clock.GetUtcNow(), TimeSpan.FromDays(364), TimeSpan.FromDays(366));
        Assert.True(token.Length <= 60, $"token is {token.Length} characters");
        Assert.Throws<ArgumentException>(() => Links.UnsubscribeUrl("r", "in-app"));
    }

    private static string HeaderToken(string header) => header[(header.IndexOf("token=", StringComparison.Ordinal) + 6)..].TrimEnd('>');

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}
