using Engagement.MartenAdditions;
using Engagement.Plans.Planning;
using Engagement.ServiceDefaults;
using Marten;

namespace Engagement.Plans;

public static class Config
{
    /// <summary>The store: event aliases and every document type (Marten creates nothing at run time).</summary>
    public static void ConfigureStore(StoreOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        PlanEvents.Register(options);
    }

    /// <summary>The service's own tables, beside Marten's: none yet.</summary>
    public static void SchemaSteps(SchemaSteps steps) => ArgumentNullException.ThrowIfNull(steps);

    public static WebApplicationBuilder AddPlans(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static WebApplication MapPlansApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/plans").WithTags("Plans");

        // Neighbourhood teams keep their own areas' plans (admins any); communications and analysts read them.
        api.MapPost("/", DraftPlan.Handle).RequireRoles(Roles.Neighbourhood)
            .WithSummary("Draft a plan for one area and period (12 months unless said otherwise, reviewed quarterly). Accepts Idempotency-Key.");
        api.MapGet("/", PlanCommands.List).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("An area's plans (?area=), newest period first.");
        api.MapGet("/{id:guid}", PlanCommands.Get).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("A plan: its objectives, what keeps it from publication, its revisions and when its review is due.");
        api.MapPost("/{id:guid}/objectives", SetObjective.Add).RequireRoles(Roles.Neighbourhood)
            .WithSummary("Add an objective (metric and definition, baseline and period, target and date, data source, owner, level of engagement). Takes If-Match; accepts Idempotency-Key.");
        api.MapPut("/{id:guid}/objectives/{objectiveId:guid}", SetObjective.Replace).RequireRoles(Roles.Neighbourhood)
            .WithSummary("Replace an objective. Requires If-Match.");
        api.MapPost("/{id:guid}/publish", PublishPlan.Handle).RequireRoles(Roles.Neighbourhood)
            .WithSummary("Publish the plan as its next revision, with the reason for it; 422 naming every objective without a metric or a baseline. Requires If-Match; emits PlanPublished.");
        return app;
    }
}
