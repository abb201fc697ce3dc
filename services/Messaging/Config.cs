using Engagement.Messaging.Inbox;
using Engagement.ServiceDefaults;
using Engagement.Messaging.Kin;
using Engagement.Messaging.Subscriptions;

namespace Engagement.Messaging;

public static class Config
{
    public static void ConfigureStore(EventStore.EventStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        store.Options.AddMigrations(Tables.Component, Tables.Migrations);
        KinFeature.Register(store.Types);
        SubscriptionsFeature.Register(store.Types);
        InboxFeature.Register(store.Types);
    }

    public static WebApplicationBuilder AddMessagingService(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Delivery.IEmailSender, Delivery.SmtpEmailSender>();
        builder.Services.AddSingleton<Delivery.ISmsSender, Delivery.HttpSmsSender>();
        builder.Services.AddResilientHttpClient(Delivery.HttpSmsSender.ClientName, total: TimeSpan.FromSeconds(15), perTry: TimeSpan.FromSeconds(5));
        KinFeature.AddServices(builder.Services);
        SubscriptionsFeature.AddServices(builder.Services);
        InboxFeature.AddServices(builder.Services);
        return builder;
    }

    public static WebApplication MapMessagingApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/messaging").WithTags("Messaging");
        KinFeature.Map(api);
        SubscriptionsFeature.Map(api);
        InboxFeature.Map(api);
        return app;
    }
}
