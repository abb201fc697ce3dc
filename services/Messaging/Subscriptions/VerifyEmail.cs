using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Subscriptions;

/// <summary>
/// The link in a verification email. Following it (GET, or POST) marks the address verified, and from then on alerts
/// may be emailed to it. It works for 48 hours, and only for the address it was sent to: once the resident changes
/// their address, links sent to the old one verify nothing.
/// </summary>
public static class VerifyEmail
{
    public static DomainException Superseded() =>
        new(StatusCodes.Status400BadRequest, "link-superseded", "This link is for an email address that is no longer on the subscription.",
            "The address was changed or removed after this link was sent. Use the link in the most recent email.",
            new Dictionary<string, string[]> { ["token"] = ["Issued for another address."] });

    public static IReadOnlyList<object> Decide(ResidentSubscription s, VerificationLink link, LinkTokens links)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(links);
        if (!s.Exists || s.Email is null || !links.IsFor(link, s.Email))
        {
            throw Superseded();
        }

        return s.EmailVerified ? [] : [new EmailAddressVerified(s.SubscriberId)];
    }

    public static async Task<Results<ContentHttpResult, Ok<LinkOutcome>>> Handle(
        string? token, HttpContext http, LinkTokens links, IDocumentStore store, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(links);
        var link = links.ReadVerification(token);
        var sub = link.SubscriberId;
        var change = await SubscriptionStore.ChangeAsync(store, settings, sub, null, s => Decide(s, link, links),
            _ => new Audit.Entry("change", "subscriber", sub, "email verification link followed", new { fields = new[] { "emailVerified" } }),
            SubscriptionStore.ViaLink(sub), clock.GetUtcNow(), ct);

        var status = change.Events.Count > 0 ? "verified" : "already-verified";
        const string message = "Your email address is confirmed. Neighbourhood alerts you subscribed to will now be emailed to you too.";
        return LinkPages.WantsHtml(http.Request)
            ? LinkPages.Page("Email address confirmed", message)
            : TypedResults.Ok(new LinkOutcome(status, Delivery.Channel.Email, message));
    }
}
