using Engagement.MartenAdditions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engagement.ServiceDefaults;

public static class Extensions
{
    /// <summary>Telemetry, problem details, JWT auth, health, OpenAPI, request limits and the area reference data.</summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTelemetry(serviceName);
        builder.Services.AddProblemResponses();
        builder.AddEngagementAuth();
        builder.Services.AddHealthChecks();
        builder.Services.AddApiDocs(serviceName);
        builder.Services.AddSingleton(sp => AreaDirectory.Load(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>().Configure<IConfiguration>((k, config) =>
        {
            k.Limits.MaxRequestBodySize = config.GetValue<long?>("Limits:MaxRequestBodyBytes") ?? 1024 * 1024;
            KestrelRejections.Install(k);
        });
        return builder;
    }

    /// <summary>
    /// The service's Marten store in its own database (<c>ConnectionStrings:EventStore</c>) and schema, with the audit
    /// log's table. When <paramref name="publicEvents"/> is given, the relay (a Marten subscription) publishes those
    /// events to the broker.
    /// </summary>
    public static WebApplicationBuilder AddMartenEventStore(this WebApplicationBuilder builder, string schema,
        Action<Marten.StoreOptions, IServiceProvider>? configure = null, Action<SchemaSteps>? steps = null, Engagement.MartenAdditions.IntegrationEventMap? publicEvents = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Configuration is read when the store is first resolved, not here, so hosts and tests can still override it.
        builder.Services.AddEngagementMarten(
            schema,
            sp => sp.GetRequiredService<IConfiguration>().GetConnectionString("EventStore")
                  ?? throw new InvalidOperationException("ConnectionStrings:EventStore is not set."),
            (options, sp) =>
            {
                configure?.Invoke(options, sp);
                if (publicEvents is not null)
                {
                    options.Events.Subscribe(new Engagement.MartenAdditions.Relay(publicEvents, sp.GetRequiredService<Engagement.MartenAdditions.IEventPublisher>()));
                }
            },
            (s, _) =>
            {
                s.Add(Audit.Component, Audit.Migrations);
                steps?.Invoke(s);
            });
        builder.Services.AddHealthChecks().AddCheck<Health.PostgresCheck>("postgres", tags: [Health.Ready]);
        return builder;
    }

    /// <summary>The middleware every host has (problem details, auth) and its health endpoints.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseKestrelRejectionMarker();
        app.UseProblemResponses();
        // Explicit, so that what runs before it (UseHeadAsGet) runs before an endpoint is chosen.
        app.UseRouting();
        app.UseInputRules();
        // One unit of work per request for personal-data keys: each subject's key is read at most once per request.
        // Only where there is a store to read keys from: the gateway has none, and paid for it on every request.
        if (app.Services.GetService<IServiceProviderIsService>()?.IsService(typeof(Marten.IDocumentStore)) == true)
        {
            app.Use(async (context, next) =>
            {
                using var scope = PersonalDataScope.Begin();
                await next(context);
            });
        }

        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealth();
        return app;
    }

    /// <summary>What every service maps: the defaults, its OpenAPI document, areas and the subscriptions' progress.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, string apiPrefix)
    {
        app.UseHeadAsGet();
        app.UseServiceDefaults();
        app.MapOpenApi().AllowAnonymous();
        app.MapAnonymousRoutes(apiPrefix);

        var api = app.MapGroup(apiPrefix).WithTags(ApiDocs.ServiceTag);
        api.MapGet("/areas", (AreaDirectory areas) => areas.All.Select(a => new { a.Code, a.Name, a.District, a.Wards }))
            .RequireAuthorization(Auth.AnyRole)
            .WithSummary("Neighbourhood Policing Areas, from the seed file.");
        if (app.Services.GetService<Marten.IDocumentStore>() is not null)
        {
            // Every service with a store has the audit table (AddMartenEventStore adds it), so every one answers for it here.
            api.MapGet("/audit", QueryAuditLog.Handle)
                .RequireAuthorization(Roles.Admin)
                .WithSummary("The personal-data audit log (DPA 2018 s62), newest first, paged (limit at most 500).");
            api.MapGet("/admin/subscriptions", async (Marten.IDocumentStore store, CancellationToken ct) =>
                {
                    var head = (await store.Advanced.FetchEventStoreStatistics(token: ct)).EventSequenceNumber;
                    var progress = await store.Advanced.AllProjectionProgress(token: ct);
                    return Results.Ok(new
                    {
                        head,
                        subscriptions = progress.Select(p => new { name = p.ShardName, position = p.Sequence, behind = Math.Max(0, head - p.Sequence) }),
                    });
                })
                .RequireAuthorization(Roles.Admin)
                .WithSummary("How far each async projection and the relay are behind the event log's head.");
        }

        return app;
    }
}
