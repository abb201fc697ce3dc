using Engagement.MartenAdditions;
using Engagement.Messaging.Inbox;
using Engagement.Messaging.Kin;
using Engagement.Messaging.Subscriptions;
using Engagement.ServiceDefaults;
using Marten;
using MassTransit;

namespace Engagement.Messaging;

public static class Config
{
    /// <summary>
    /// The store: event aliases, and every document type (Marten creates nothing at run time): the inline snapshots of
    /// members, subscriptions and alerts, and the reply documents.
    /// </summary>
    public static void ConfigureStore(StoreOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        KinFeature.Register(options);
        SubscriptionsFeature.Register(options);
        Alerts.AlertEvents.Register(options);
        Replies.ReplyEvents.Register(options);
        AudienceCounts.AudienceCount.Register(options);
    }

    /// <summary>The service's own tables, beside Marten's: targeting, inbox, deliveries, batches, counters, fatigue.</summary>
    public static void SchemaSteps(SchemaSteps steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        steps.Add(Tables.Component, Tables.Migrations);
    }

    /// <summary>Consumers of this service's own commands and of other services' events.</summary>
    public static void Consumers(IBusRegistrationConfigurator x)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.AddConsumer<Delivery.DeliverAlertBatchConsumer, Delivery.DeliverAlertBatchConsumerDefinition>();
        x.AddConsumer<Announcements.SurgeryScheduledConsumer>();
        x.AddConsumer<Announcements.SurgeryRescheduledConsumer>();
        x.AddConsumer<Announcements.SurgeryCancelledConsumer>();
        x.AddConsumer<Announcements.BookingConfirmedConsumer>();
        x.AddConsumer<Announcements.BookingPromotedConsumer>();
        x.AddConsumer<YouSaidWeDid.PriorityActionedConsumer, YouSaidWeDid.PriorityActionedConsumerDefinition>();
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
        AudienceCounts.AudienceFeature.AddServices(builder.Services);
        builder.Services.AddSingleton<Delivery.AlertContentCache>();
        builder.Services.AddSingleton<Delivery.Dispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Delivery.Dispatcher>());
        builder.Services.AddSingleton<Announcements.SurgeryAnnouncements>();
        builder.Services.AddHostedService<Delivery.EmailWorker>();
        builder.Services.AddHostedService<Delivery.SmsWorker>();
        return builder;
    }

    public static WebApplication MapMessagingApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/messaging").WithTags("Messaging");
        KinFeature.Map(api);
        SubscriptionsFeature.Map(api);
        InboxFeature.Map(api);
        AudienceCounts.AudienceFeature.Map(api);

        var alerts = api.MapGroup("/alerts");
        alerts.MapPost("/preview", Alerts.PreviewAlert.Handle).RequireRoles(Roles.Communications, Roles.Neighbourhood)
            .WithSummary("Recipients per channel, fatigue and quiet hours, SMS segments, and whether approval is needed.");
        alerts.MapPost("/", Alerts.SendAlert.Handle).RequireRoles(Roles.Communications, Roles.Neighbourhood).WithIdempotencyKey()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Send an alert: 202 with its status resource. Accepts Idempotency-Key.");
        alerts.MapGet("/awaiting-approval", Alerts.ApprovalQueue.Handle).RequireRoles(Roles.Communications)
            .WithSummary("The approval queue: alerts waiting for their second person, oldest first.");
        alerts.MapGet("/{id:guid}", Alerts.SendAlert.Get).RequireRoles(Roles.Communications, Roles.Neighbourhood)
            .WithSummary("An alert's status resource: approval, progress per channel, and counts.");
        alerts.MapPost("/{id:guid}/approve", Alerts.SendAlert.Approve).RequireRoles(Roles.Communications)
            .WithSummary("The second person of the two-person rule.");
        alerts.MapPost("/{id:guid}/cancel", Alerts.SendAlert.Cancel).RequireRoles(Roles.Communications, Roles.Neighbourhood)
            .WithSummary("Cancel an alert that has not gone out yet.");
        alerts.MapPost("/{id:guid}/replies", Replies.ReplyEvents.Post).RequireAuthorization(Roles.Resident).WithIdempotencyKey()
            .WithSummary("A resident replies to an alert they received. Accepts Idempotency-Key.");
        api.MapGet("/replies", Replies.ReplyEvents.List).RequireRoles(Roles.Communications, Roles.Neighbourhood)
            .WithSummary("Replies with their 72-hour clocks; overdue=true lists the breaches, answered=false those still waiting, sort=due orders by the clock (waiting replies due first, then answered); each says whether it was passed on as an issue. Audited.");
        api.MapPost("/replies/{replyId:guid}/answer", Replies.ReplyEvents.Answer).RequireRoles(Roles.Communications, Roles.Neighbourhood)
            .WithSummary("Answer a resident's reply; the answer reaches their inbox and stops the 72-hour clock.");
        api.MapPost("/replies/{replyId:guid}/issue", Replies.MarkAsIssue.Handle).RequireRoles(Roles.Communications, Roles.Neighbourhood)
            .WithSummary("Pass a reply to Plans as an issue of its area (category, and a summary without personal data); the resident becomes its raiser and hears what was done. Once per reply; audited.");
        return app;
    }
}
