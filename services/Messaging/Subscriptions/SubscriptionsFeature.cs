using JasperFx.Events.Projections;
using Marten;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Subscriptions;

/// <summary>Resident subscriptions, email verification and one-click unsubscribe: event types, services and endpoints.</summary>
public static class SubscriptionsFeature
{
    /// <summary>The events and the inline snapshot each decision reads.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SubscriptionEventTypes.Register(options);
        options.Schema.For<ResidentSubscription>().DocumentAlias("resident_subscription");
        options.Projections.Add(new SubscriptionSnapshot(), ProjectionLifecycle.Inline);
    }

    public static void AddServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<LinkTokens>();
        services.AddSingleton<SubscriptionMessages>();
    }

    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);

        // The resident's own subscription: their token's sub is their subscriber id; nobody else's is reachable here.
        var me = api.MapGroup("/subscriptions/me").RequireAuthorization(Roles.Resident);
        me.MapGet("", ViewSubscription.Handle).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Your subscription, with an ETag. Audited.");
        me.MapPut("", SetSubscription.Handle).WithIfMatch()
            .WithSummary("Subscribe, or replace your subscription: postcode and/or areas, interests, email (verified by link), UK mobile, language, quiet hours. If-Match optional.");
        me.MapDelete("", EraseSubscriber.Handle).WithIfMatch().WithSummary("Erase yourself: your personal data is crypto-shredded and your rows deleted.");
        me.MapPost("/unsubscribe", Unsubscribe.Mine).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Stop every alert; your choices are kept for when you subscribe again. Audited.");
        me.MapPost("/email/verification", SetSubscription.ResendVerification).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Send a new verification link to your unverified email address.");
        api.MapDelete("/subscriptions/{subscriberId}", EraseSubscriber.ForResident).RequireAuthorization(Roles.Admin).WithAccessReason()
            .WithSummary("Erase a resident who asked by other means (X-Access-Reason for the audit log); every service erases them too.");

        // Links in emails and texts: no sign-in, the signed token is the authority. The gateway lists both as public.
        api.MapGet("/subscriptions/verify-email", VerifyEmail.Handle).AllowAnonymous().WithSummary("Follow an email verification link.");
        api.MapPost("/subscriptions/verify-email", VerifyEmail.Handle).AllowAnonymous().WithSummary("Confirm an email address by its verification link's token.");
        api.MapGet("/unsubscribe", Unsubscribe.Confirm).AllowAnonymous().WithSummary("What an unsubscribe link would stop, with a button to do it.");
        api.MapPost("/unsubscribe", Unsubscribe.Handle).AllowAnonymous()
            .WithSummary("Unsubscribe by link; RFC 8058 one-click (List-Unsubscribe=One-Click) included.");
    }
}
