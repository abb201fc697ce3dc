using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Engagement.ServiceDefaults;

/// <summary>
/// OpenTelemetry through its hosting package: traces and metrics from ASP.NET Core, HttpClient, Npgsql, MassTransit,
/// Marten, YARP and the service's own source. Exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set;
/// the exporter reads the other <c>OTEL_*</c> settings (protocol, headers) from configuration too.
/// </summary>
public static class Telemetry
{
    /// <summary>Sources the libraries we use emit natively, with no instrumentation package of their own.</summary>
    private static readonly string[] LibrarySources = ["MassTransit", "Marten", "Yarp.ReverseProxy"];

    public static void AddTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new ActivitySource(serviceName));
        ConfigureLogging(builder);

        // Telemetry:Enabled (true) is off only where its cost is measured (the gateway benchmark).
        if (!builder.Configuration.GetValue("Telemetry:Enabled", true))
        {
            return;
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? serviceName))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource([.. LibrarySources, serviceName]))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter([.. LibrarySources, serviceName]));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Logs go to the collector too, but only then: without an exporter, OpenTelemetry's logger would do work for nothing.
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = true;
            });
            otel.UseOtlpExporter();
        }
    }

    private static void ConfigureLogging(IHostApplicationBuilder builder)
    {
        // Log lines carry the trace and span ids of the request or message they belong to.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
    }
}
