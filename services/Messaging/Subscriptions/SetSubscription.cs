using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.Messaging.Delivery;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Subscriptions;

public static class SetSubscription
{
    public const string MePath = "/api/messaging/subscriptions/me";

    /// <summary>
    /// The events that take a subscription to what the resident asked for; none when nothing would change. A new email
    /// address is kept unverified (and unused) until its link is followed; an address or number left out is forgotten.
    /// </summary>
    public static IReadOnlyList<object> Decide(ResidentSubscription s, Preferences wanted, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(wanted);
        var (sub, generation) = (s.SubscriberId, s.Generation);
        var events = new List<object>();
        var same = s.Exists && s.Active && s.Postcode == wanted.Postcode && s.PostcodeArea == wanted.PostcodeArea
                   && SameSet(s.Areas, wanted.Areas) && SameSet(s.Interests, wanted.Interests)
                   && s.Language == wanted.Language && s.QuietStart == wanted.QuietStart && s.QuietEnd == wanted.QuietEnd;
        if (!same)
        {
            events.Add(new SubscriptionSet(sub, generation, wanted.Postcode, wanted.PostcodeArea, wanted.Areas, wanted.Interests, wanted.Language,
                wanted.QuietStart, wanted.QuietEnd));
        }

        if (wanted.Email is null && s.Email is not null)
        {
            events.Add(new ChannelUnsubscribed(sub, Channel.Email, "preferences"));
        }
        else if (wanted.Email is not null && !string.Equals(wanted.Email, s.Email, StringComparison.OrdinalIgnoreCase))
        {
            events.Add(new EmailAddressGiven(sub, generation, wanted.Email, now));
        }

        if (wanted.Phone is null && s.Phone is not null)
        {
            events.Add(new ChannelUnsubscribed(sub, Channel.Sms, "preferences"));
        }
        else if (wanted.Phone is not null && wanted.Phone != s.Phone)
        {
            events.Add(new PhoneNumberGiven(sub, generation, wanted.Phone));
        }

        return events;
    }

    // Order is the resident's, and saving the same choices in another order is no change.
    private static bool SameSet(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        (a ?? []).Order(StringComparer.Ordinal).SequenceEqual((b ?? []).Order(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>Names of the fields a change touched, for the audit log (never their values).</summary>
    public static IReadOnlyList<string> ChangedFields(ResidentSubscription before, ResidentSubscription after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var fields = new List<string>();
        void Check(string name, bool changed)
        {
            if (changed)
            {
                fields.Add(name);
            }
        }

        Check("postcode", before.Postcode != after.Postcode);
        Check("areas", !SameSet(before.Areas, after.Areas));
        Check("interests", !SameSet(before.Interests, after.Interests));
        Check("language", before.Language != after.Language);
        Check("quietHours", before.QuietStart != after.QuietStart || before.QuietEnd != after.QuietEnd);
        Check("email", before.Email != after.Email);
        Check("emailVerified", before.EmailVerified != after.EmailVerified);
        Check("phone", before.Phone != after.Phone);
        Check("active", before.Active != after.Active);
        return fields;
    }

    /// <summary>PUT /me: subscribe, or change the whole subscription. 201 the first time, 200 after; If-Match optional.</summary>
    public static async Task<Results<Created<SubscriptionView>, Ok<SubscriptionView>>> Handle(
        SubscribeRequest? request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, AreaDirectory areas,
        SubscriptionMessages messages, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var wanted = SubscriptionRules.Validate(request, areas);
        var sub = user.SubjectId();
        var now = clock.GetUtcNow();
        var change = await SubscriptionStore.ChangeAsync(store, settings, sub, http.Request.IfMatchVersion(), s => Decide(s, wanted, now),
            c => c.Created
                ? new Audit.Entry("collect", "subscriber", sub, "resident subscribed", new { fields = ViewSubscription.PersonalFields(c.After) })
                : new Audit.Entry("change", "subscriber", sub, "resident changed their subscription", new { fields = ChangedFields(c.Before, c.After) }),
            user, now, ct);

        var after = change.After;
        string? verification = null;
        string? smsConfirmation = null;
        if (change.Events.OfType<EmailAddressGiven>().Any() && after.Email is not null)
        {
            verification = await messages.SendVerificationAsync(sub, after.Email, ct);
        }

        if (change.Events.OfType<PhoneNumberGiven>().Any() && after.Phone is not null)
        {
            smsConfirmation = await messages.SendSmsConfirmationAsync(sub, after.Phone, ct);
        }

        http.Response.Headers.ETag = Requests.ETag(after.Version);
        var view = SubscriptionView.From(after) with { VerificationEmail = verification, SmsConfirmation = smsConfirmation };
        return change.Created ? TypedResults.Created(MePath, view) : TypedResults.Ok(view);
    }

    /// <summary>
    /// POST /me/email/verification: sends a fresh link to the unverified address on file (the last one expired or was
    /// lost). The new link does not cancel the old one; both verify the same address.
    /// </summary>
    public static async Task<Ok<SubscriptionView>> ResendVerification(
        ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, SubscriptionMessages messages, TimeProvider clock, CancellationToken ct)
    {
        var sub = user.SubjectId();
        var now = clock.GetUtcNow();
        var change = await SubscriptionStore.ChangeAsync(store, settings, sub, null, s =>
            {
                if (!s.Exists)
                {
                    throw ViewSubscription.NotSubscribed();
                }

                if (s.Email is null)
                {
                    throw new ConflictException("no-email", "There is no email address to verify.", "PUT your subscription with an email address first.");
                }

                return s.EmailVerified
                    ? throw new ConflictException("email-already-verified", "This email address is already verified.")
                    : [new EmailAddressGiven(sub, s.Generation, s.Email, now)];
            },
            _ => new Audit.Entry("change", "subscriber", sub, "resident asked for a new verification link", new { fields = new[] { "email" } }),
            user, now, ct);

        var verification = await messages.SendVerificationAsync(sub, change.After.Email!, ct);
        return TypedResults.Ok(SubscriptionView.From(change.After) with { VerificationEmail = verification });
    }
}
