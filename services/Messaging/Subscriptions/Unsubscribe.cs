using System.Security.Claims;
using Engagement.Messaging.Delivery;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Subscriptions;

/// <summary>
/// The unsubscribe link in every email and SMS, usable without signing in. GET only asks (mail scanners and link
/// previews fetch links, and must not unsubscribe anybody); POST does it, whether from the confirmation page or from
/// a mail client's one-click button (RFC 8058: a POST whose body is <c>List-Unsubscribe=One-Click</c>).
/// </summary>
public static class Unsubscribe
{
    public const string Via = "link";
    public const string ViaOneClick = "one-click";
    public const string ViaConsole = "console";

    /// <summary>What stopping a channel changes; nothing when it is already stopped (a link may be used twice).</summary>
    public static IReadOnlyList<object> Decide(ResidentSubscription s, string channel, string via)
    {
        ArgumentNullException.ThrowIfNull(s);
        var already = !s.Exists || channel switch
        {
            Channel.Email => s.Email is null,
            Channel.Sms => s.Phone is null,
            _ => !s.Active,
        };
        return already ? [] : [new ChannelUnsubscribed(s.SubscriberId, channel, via)];
    }

    private static string What(string channel) => channel switch
    {
        Channel.Email => "emails",
        Channel.Sms => "text messages",
        _ => "all neighbourhood alerts",
    };

    /// <summary>GET: what the link would do, and a button that does it.</summary>
    public static Results<ContentHttpResult, Ok<LinkOutcome>> Confirm(string? token, HttpContext http, LinkTokens links)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(links);
        var link = links.ReadUnsubscribe(token);
        var message = link.Channel == LinkTokens.All
            ? "You will get no more alerts from Nottinghamshire Police neighbourhood teams, by email, text or in the app. You can subscribe again at any time."
            : $"You will get no more {What(link.Channel)} from Nottinghamshire Police neighbourhood alerts. Your other alerts carry on.";
        if (LinkPages.WantsHtml(http.Request))
        {
            // Relative to /api/messaging/unsubscribe, so it posts back to wherever the page was served from (the gateway).
            return LinkPages.Page($"Stop {What(link.Channel)}?", message, $"unsubscribe?token={Uri.EscapeDataString(token!.Trim())}", "Unsubscribe");
        }

        return TypedResults.Ok(new LinkOutcome("confirm", link.Channel, message, "POST to this same URL to unsubscribe."));
    }

    /// <summary>POST: unsubscribes. Answers 200 also when there was nothing left to stop.</summary>
    public static async Task<Results<ContentHttpResult, Ok<LinkOutcome>>> Handle(
        string? token, HttpContext http, LinkTokens links, IDocumentStore store, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(links);
        var link = links.ReadUnsubscribe(token);
        var via = Via;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(ct);
            via = string.Equals(form["List-Unsubscribe"], "One-Click", StringComparison.OrdinalIgnoreCase) ? ViaOneClick : Via;
        }

        var sub = link.SubscriberId;
        var change = await SubscriptionStore.ChangeAsync(store, settings, sub, null, s => Decide(s, link.Channel, via),
            c => new Audit.Entry("change", "subscriber", sub, via == ViaOneClick ? "one-click unsubscribe" : "unsubscribe link",
                new { channel = link.Channel, fields = SetSubscription.ChangedFields(c.Before, c.After) }),
            SubscriptionStore.ViaLink(sub), clock.GetUtcNow(), ct);

        var status = change.Events.Count > 0 ? "unsubscribed" : "already-unsubscribed";
        var message = link.Channel == LinkTokens.All
            ? "You are unsubscribed from all neighbourhood alerts. Sign in to subscribe again."
            : $"You will get no more {What(link.Channel)}. Sign in to change your subscription.";
        return LinkPages.WantsHtml(http.Request)
            ? LinkPages.Page("You are unsubscribed", message)
            : TypedResults.Ok(new LinkOutcome(status, link.Channel, message));
    }

    /// <summary>
    /// POST /subscriptions/me/unsubscribe: the signed-in resident stops every alert (the console's button), as the
    /// link in a message would. What they chose is kept, so subscribing again (PUT /me) is one step; DELETE /me erases.
    /// </summary>
    public static async Task<Ok<SubscriptionView>> Mine(ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var sub = user.SubjectId();
        var change = await SubscriptionStore.ChangeAsync(store, settings, sub, null,
            s => s.Exists ? Decide(s, LinkTokens.All, ViaConsole) : throw ViewSubscription.NotSubscribed(),
            c => new Audit.Entry("change", "subscriber", sub, "resident unsubscribed", new { channel = LinkTokens.All, fields = SetSubscription.ChangedFields(c.Before, c.After) }),
            user, clock.GetUtcNow(), ct);
        return TypedResults.Ok(SubscriptionView.From(change.After));
    }
}
