using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Engagement.Testing;

namespace Engagement.Messaging.Tests;

/// <summary>Small helpers for the subscription and inbox tests (plain statics, so they never clash with other helpers).</summary>
internal static partial class SubscriptionTestKit
{
    public static string NewSub(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>A resident subscribed through the API, with a verified email (link followed) and a mobile number.</summary>
    public static async Task<(string Sub, string Email, string Phone)> SubscribeWithContactsAsync(MessagingFixture f, string prefix, string area, string interest)
    {
        var sub = NewSub(prefix);
        var email = $"{sub}@example.com";
        var phone = "07700 900" + Random.Shared.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var me = f.Resident(sub);
        (await PutMe(me, Body(areas: [area], interests: [interest], email: email, phone: phone))).EnsureSuccessStatusCode();
        var mail = (await MailsTo(f, email)).Single();
        (await f.Anonymous().GetAsync(VerifyPath(mail.Text))).EnsureSuccessStatusCode();
        return (sub, email, Subscriptions.SubscriptionRules.NormaliseMobile(phone)!);
    }

    public static JsonObject Body(string? postcode = null, string[]? areas = null, string[]? interests = null, string? email = null, string? phone = null,
        string? language = null, (string Start, string End)? quiet = null)
    {
        var body = new JsonObject { ["interests"] = new JsonArray((interests ?? ["burglary", "asb"]).Select(i => (JsonNode?)i).ToArray()) };
        if (postcode is not null)
        {
            body["postcode"] = postcode;
        }

        if (areas is not null)
        {
            body["areas"] = new JsonArray(areas.Select(a => (JsonNode?)a).ToArray());
        }

        if (email is not null)
        {
            body["email"] = email;
        }

        if (phone is not null)
        {
            body["phone"] = phone;
        }

        if (language is not null)
        {
            body["language"] = language;
        }

        if (quiet is { } q)
        {
            body["quietHours"] = new JsonObject { ["start"] = q.Start, ["end"] = q.End };
        }

        return body;
    }

    public static Task<HttpResponseMessage> PutMe(HttpClient client, JsonNode body) => client.PutAsJsonAsync("/api/messaging/subscriptions/me", body);

    public static async Task<JsonObject> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text)?.AsObject() ?? throw new InvalidOperationException($"No JSON body ({(int)response.StatusCode}).");
    }

    public static string Str(JsonNode? node) => node!.GetValue<string>();

    public static string[] Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    /// <summary>The emails that reached the SMTP server for this address, waiting for the first if need be.</summary>
    public static async Task<IReadOnlyList<LocalSmtp.Mail>> MailsTo(MessagingFixture f, string address, int atLeast = 1) =>
        await TestInfrastructure.EventuallyAsync(
            () => Task.FromResult<IReadOnlyList<LocalSmtp.Mail>>(f.Smtp.Received().Where(m => m.To.Contains(address, StringComparison.OrdinalIgnoreCase)).ToList()),
            mails => mails.Count >= atLeast, TimeSpan.FromSeconds(15), $"{atLeast} email(s) to {address}");

    [GeneratedRegex(@"https?://[^\s/]+(/api/messaging/subscriptions/verify-email\?token=[A-Za-z0-9_\-]+)")]
    private static partial Regex VerifyLink();

    [GeneratedRegex(@"https?://[^\s/>]+(/api/messaging/unsubscribe\?token=[A-Za-z0-9_\-]+)")]
    private static partial Regex UnsubscribeLink();

    /// <summary>The path and query of the verification link in a message: links point at the gateway, tests call the service.</summary>
    public static string VerifyPath(string text) =>
        VerifyLink().Match(text) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No verification link in: " + text);

    public static string UnsubscribePath(string text) =>
        UnsubscribeLink().Match(text) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No unsubscribe link in: " + text);

    public static Task<T> Scalar<T>(MessagingFixture f, string sql, string sub) => f.ScalarAsync<T>(sql, ("s", sub));
}
