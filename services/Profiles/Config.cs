using MassTransit;
using Engagement.MartenAdditions;
using Engagement.Profiles.Communities;
using Engagement.Profiles.Emerging;
using Engagement.Profiles.Imports;
using Engagement.Profiles.Reading;
using Engagement.Profiles.Versions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Mvc;

namespace Engagement.Profiles;

public static class Config
{
    /// <summary>
    /// The store: event aliases and the communities' inline snapshot (so reads and decisions never lag the stream). The
    /// census figures are plain tables (<see cref="CensusStore"/>).
    /// </summary>
    public static void ConfigureStore(StoreOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ImportEvents.Register(options);
        CommunityEvents.Register(options);
        VersionEvents.Register(options);
        EmergingEvents.Register(options);
        Reach.AudienceSnapshot.Register(options);
    }

    /// <summary>The service's own tables, beside Marten's.</summary>
    public static void SchemaSteps(SchemaSteps steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        steps.Add(CensusStore.Component, CensusStore.Migrations);
        steps.Add("flows", ImportFlows.Migrations);
    }

    /// <summary>Consumers of other services' events: Messaging's daily audience count, for reach.</summary>
    public static void Consumers(IBusRegistrationConfigurator x)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.AddConsumer<Reach.AudienceCountedConsumer, Reach.AudienceCountedConsumerDefinition>();
    }

    public static WebApplicationBuilder AddProfiles(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ImportSignal>();
        builder.Services.AddHostedService<ImportWorker>();
        builder.Services.AddSingleton<CensusFigures>();
        builder.Services.AddOptions<VersionThresholds>().BindConfiguration("Profiles:Versions")
            .Validate(t => t.IsValid, "Profiles:Versions: GrowthPercent > 0, MinGrowthCount >= 0, SharePercents between 0 and 100.").ValidateOnStart();
        builder.Services.AddOptions<EmergingThresholds>().BindConfiguration("Profiles:Emerging")
            .Validate(t => t.IsValid, "Profiles:Emerging: a Version, MinCount > 0, GrowthPercent > 0, WindowMonths > 0.").ValidateOnStart();
        return builder;
    }

    public static WebApplication MapProfilesApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/profiles").WithTags("Profiles");

        // Analysts (and admins): load census tables. Long work, so 202 and a status resource.
        api.MapPost("/imports", ImportCensus.Handle).RequireRoles(Roles.Analyst)
            .WithMetadata(new RequestSizeLimitAttribute(ImportCensus.MaxBytes))
            .WithSummary("Import a Nomis census CSV (bulk or API long layout) as the request body, with ?reason= saying why; 202 with a status resource. The same file again changes nothing.");
        api.MapGet("/imports/{id:guid}", ImportCensus.Get).RequireRoles(Roles.Analyst).WithSummary("An import's progress, then its validation report.");

        // Staff read profiles; residents do not.
        api.MapGet("/areas/{code}", ViewProfile.Handle).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst).Produces<Profile>()
            .WithSummary("An area's community profile from the census: every figure with its count, percentage, wards, district, Nottinghamshire and source.");
        api.MapGet("/areas/{code}/page", ProfilePage.Handle).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("The profile as one printable HTML page with server-drawn SVG bar charts, for briefings.");
        api.MapGet("/areas/{code}/communities", CommunityView.List).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("The area's named communities, each with its channel evidence; evidence past its review date shows as stale.");
        api.MapGet("/communities/{id:guid}", CommunityView.Get).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("A named community with its channel evidence, stale evidence flagged.");

        // Analysts (and admins) record communities and the evidence of how each prefers to be reached.
        api.MapPost("/areas/{code}/communities", RecordCommunity.Handle).RequireRoles(Roles.Analyst).WithIdempotencyKey()
            .WithSummary("Name a community of the area: its definition, languages, venues and trusted intermediaries (KIN member ids). Accepts Idempotency-Key.");
        api.MapPost("/communities/{id:guid}/evidence", RecordEvidence.Handle).RequireRoles(Roles.Analyst).WithIfMatch().WithIdempotencyKey()
            .WithSummary("Record how the community prefers to be reached: channel, kind, source, confidence, reviewBy. Takes If-Match; accepts Idempotency-Key.");

        // Analysts (and admins) publish a version; staff read them.
        api.MapPost("/areas/{code}/versions", PublishProfile.Handle).RequireRoles(Roles.Analyst)
            .WithSummary("Publish the area's profile as it stands: a new version with its difference from the last; emits CommunityProfileRefreshed.");
        api.MapGet("/areas/{code}/versions", PublishProfile.List).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("Every published version of the area's profile, newest first, each with its counts and difference.");

        // Emerging communities: analysts load flow data and decide on what the rule finds; staff read the candidates.
        api.MapPost("/flows", ImportFlows.Handle).RequireRoles(Roles.Analyst)
            .WithSummary("Import flow data (period_start,period_end,area_code,area_type,dimension,value,count,source), with ?reason= saying why; the rule then runs over every row held.");
        api.MapGet("/emerging", DecideCandidate.List).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("Candidate emerging communities in your areas, with the evidence and thresholds each was found by.");
        api.MapPost("/emerging/{id}/confirm", DecideCandidate.Confirm).RequireRoles(Roles.Analyst).WithIfMatch().WithSummary("Confirm a candidate, with a reason. Takes If-Match.");
        api.MapPost("/emerging/{id}/dismiss", DecideCandidate.Dismiss).RequireRoles(Roles.Analyst).WithIfMatch().WithSummary("Dismiss a candidate, with a reason. Takes If-Match.");

        // Reach: Messaging's daily audience count against the census, for the caller's areas.
        api.MapGet("/reach", Reach.ViewReach.Overview).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("Reach in your areas: subscribers per 1,000 households by channel, language shares against the census, and the areas and named communities reached least, worst first.");
        api.MapGet("/areas/{code}/reach", Reach.ViewReach.Area).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("One area's reach: subscribers per 1,000 households by channel, key individuals, and each language's share of subscribers against its census share.");
        return app;
    }
}
