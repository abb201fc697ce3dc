using Engagement.MartenAdditions;
using Engagement.Profiles.Imports;
using Engagement.Profiles.Reading;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Mvc;

namespace Engagement.Profiles;

public static class Config
{
    /// <summary>The store: event aliases only so far; the census figures are plain tables (<see cref="CensusStore"/>).</summary>
    public static void ConfigureStore(StoreOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ImportEvents.Register(options);
    }

    /// <summary>The service's own tables, beside Marten's.</summary>
    public static void SchemaSteps(SchemaSteps steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        steps.Add(CensusStore.Component, CensusStore.Migrations);
    }

    public static WebApplicationBuilder AddProfiles(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ImportQueue>();
        builder.Services.AddHostedService<ImportWorker>();
        builder.Services.AddSingleton<CensusFigures>();
        return builder;
    }

    public static WebApplication MapProfilesApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/profiles").WithTags("Profiles");

        // Analysts (and admins): load census tables. Long work, so 202 and a status resource.
        api.MapPost("/imports", ImportCensus.Handle).RequireRoles(Roles.Analyst)
            .WithMetadata(new RequestSizeLimitAttribute(ImportCensus.MaxBytes))
            .WithSummary("Import a Nomis census CSV (bulk or API long layout) as the request body; 202 with a status resource. The same file again changes nothing.");
        api.MapGet("/imports/{id:guid}", ImportCensus.Get).RequireRoles(Roles.Analyst).WithSummary("An import's progress, then its validation report.");

        // Staff read profiles; residents do not.
        api.MapGet("/areas/{code}", ViewProfile.Handle).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("An area's community profile from the census: every figure with its count, percentage, wards, district, Nottinghamshire and source.");
        return app;
    }
}
