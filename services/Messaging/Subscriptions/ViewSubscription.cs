using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Subscriptions;

public sealed record EmailChannelView(string Address, bool Verified, DateTimeOffset? VerificationSentAt);

public sealed record SmsChannelView(string Number);

/// <summary>In-app is always on while the subscription is active; email only once verified; SMS once a number is given.</summary>
public sealed record ChannelsView(bool InApp, EmailChannelView? Email, SmsChannelView? Sms);

public sealed record QuietHoursView(string Start, string End);

/// <summary>
/// A resident's subscription as they see it. <c>areas</c> are the ones they chose and <c>alertAreas</c> adds their
/// postcode's, so what GET returns can be PUT back unchanged. <c>verificationEmail</c> and <c>smsConfirmation</c>
/// report a message sent by this request (<c>sent</c> or <c>failed</c>), and are null otherwise.
/// </summary>
public sealed record SubscriptionView(
    string SubscriberId,
    bool Active,
    string? Postcode,
    string? PostcodeArea,
    IReadOnlyList<string> Areas,
    IReadOnlyList<string> AlertAreas,
    IReadOnlyList<string> Interests,
    ChannelsView Channels,
    string Language,
    QuietHoursView? QuietHours,
    long Version,
    DateTimeOffset? Updated,
    string? VerificationEmail = null,
    string? SmsConfirmation = null)
{
    public static SubscriptionView From(ResidentSubscription s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new SubscriptionView(
            s.SubscriberId, s.Active, s.Postcode, s.PostcodeArea, s.Areas ?? [], s.AlertAreas, s.Interests ?? [],
            new ChannelsView(s.Active, s.Email is null ? null : new EmailChannelView(s.Email, s.EmailVerified, s.VerificationSentAt is { } at ? London.Show(at) : null),
                s.Phone is null ? null : new SmsChannelView(s.Phone)),
            s.Language ?? "en",
            s.QuietStart is not null && s.QuietEnd is not null ? new QuietHoursView(s.QuietStart, s.QuietEnd) : null,
            s.Version,
            s.Updated is { } u ? London.Show(u) : null);
    }
}

public static class ViewSubscription
{
    public static DomainException NotSubscribed() =>
        new(StatusCodes.Status404NotFound, "not-found", "Subscription not found.",
            "You have no subscription. PUT /api/messaging/subscriptions/me to subscribe.");

    /// <summary>GET /me: the resident's own subscription, contact details included. The read is audited, with no reason needed.</summary>
    public static async Task<Ok<SubscriptionView>> Handle(
        HttpContext http, ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var sub = user.SubjectId();
        var s = await SubscriptionStore.LoadAsync(session, sub, ct);
        if (!s.Exists)
        {
            throw NotSubscribed();
        }

        await settings.ConsultedAsync(user, new Audit.Entry("consult", "subscriber", sub, null, new { fields = PersonalFields(s) }), ct);
        http.Response.Headers.ETag = Requests.ETag(s.Version);
        return TypedResults.Ok(SubscriptionView.From(s));
    }

    /// <summary>The names (never the values) of the personal fields a subscription holds, for audit entries.</summary>
    public static IReadOnlyList<string> PersonalFields(ResidentSubscription s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var fields = new List<string>();
        if (s.Postcode is not null)
        {
            fields.Add("postcode");
        }

        fields.AddRange(["areas", "interests", "language"]);
        if (s.QuietStart is not null)
        {
            fields.Add("quietHours");
        }

        if (s.Email is not null)
        {
            fields.Add("email");
        }

        if (s.Phone is not null)
        {
            fields.Add("phone");
        }

        return fields;
    }
}
