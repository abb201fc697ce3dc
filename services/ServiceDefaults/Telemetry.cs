using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Engagement.ServiceDefaults;

/// <summary>
/// OpenTelemetry without the hosting package (not served here): one SDK instance built with OpenTelemetrySdk.Create,
/// held as a singleton and disposed at shutdown so buffered spans are flushed.
/// </summary>
public static class Telemetry
{
    public static void AddTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var source = new ActivitySource(serviceName);
        builder.Services.AddSingleton(source);
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        builder.Services.AddSingleton(_ => OpenTelemetrySdk.Create(otel =>
        {
            otel.ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? serviceName));
            otel.WithTracing(t =>
            {
                // No instrumentation packages are served; these libraries emit activities natively under these names.
                t.AddSource("Microsoft.AspNetCore", "System.Net.Http", "MassTransit", "Npgsql", "Yarp.ReverseProxy", serviceName);
                if (otlp)
                {
                    t.AddOtlpExporter();
                }
            });
            otel.WithMetrics(m =>
            {
                m.AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "MassTransit", "Npgsql", serviceName);
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            });
        }));
        builder.Services.AddHostedService<TelemetryLifetime>();

        // Log lines carry the trace and span ids of the request or message they belong to.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
    }

    /// <summary>
    /// ASP.NET Core starts server spans before routing, so they carry no route. This names each span
    /// <c>METHOD route</c> and tags it with the route and status once the endpoint is known.
    /// </summary>
    public static IApplicationBuilder UseServerSpanNames(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            finally
            {
                if (context.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
                {
                    var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "/";
                    activity.DisplayName = $"{context.Request.Method} {route}";
                    activity.SetTag("http.request.method", context.Request.Method);
                    activity.SetTag("http.route", route);
                    activity.SetTag("http.response.status_code", context.Response.StatusCode);
                    if (context.Response.StatusCode >= 500)
                    {
                        activity.SetStatus(ActivityStatusCode.Error);
                    }
                }
            }
        });

    private sealed class TelemetryLifetime(OpenTelemetrySdk sdk) : IHostedService
    {
        // Resolving the SDK here starts its listeners with the host; the container disposes it (and flushes) at shutdown.
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(sdk);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
