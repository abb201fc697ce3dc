using System.Diagnostics;
using Engagement.MartenAdditions;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engagement.ServiceDefaults;

/// <summary>
/// MassTransit 8.5 on RabbitMQ: kebab-case endpoint names, quorum queues, in-process retries then the endpoint's
/// <c>_error</c> queue. RabbitMQ 3.10 has no delayed-message plugin here, so no delayed redelivery is configured.
/// MassTransit carries the W3C trace context in message headers, so a consumer's span joins the publisher's trace.
/// </summary>
public static class Messaging
{
    public static void AddMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            consumers?.Invoke(x);
            x.AddConfigureEndpointsCallback((_, _, cfg) =>
            {
                if (cfg is IRabbitMqReceiveEndpointConfigurator rmq)
                {
                    rmq.SetQuorumQueue();
                }

                cfg.UseMessageRetry(r => r.Intervals(100, 500, 1000, 2000));
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                var rabbit = context.GetRequiredService<IConfiguration>().GetSection("RabbitMq");
                cfg.Host(rabbit["Host"] ?? "127.0.0.1", ushort.Parse(rabbit["Port"] ?? "5672", System.Globalization.CultureInfo.InvariantCulture), rabbit["VirtualHost"] ?? "/", h =>
                {
                    h.Username(rabbit["Username"] ?? "engage");
                    h.Password(rabbit["Password"] ?? "engage");
                    h.Heartbeat(TimeSpan.FromSeconds(10));
                    h.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
                });
                cfg.ConfigureEndpoints(context);
            });
        });
        // Start-up does not wait for the broker: a service started while RabbitMQ is down must start, say it is not
        // ready (/health/ready carries MassTransit's bus check) and connect when the broker comes back. Waiting, with a
        // start timeout, made the host exit after a minute ("Hosting failed to start") and stay down. Nothing may
        // publish before this service's queues and bindings exist, or RabbitMQ drops the message: publishers wait for
        // a healthy bus first (WaitUntilReadyAsync).
        builder.Services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = false;
            o.StartTimeout = null;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddSingleton<IEventPublisher, BusEventPublisher>();
    }

    /// <summary>
    /// Returns once the bus is connected and every receive endpoint of this service is bound, waiting as long as the
    /// broker is away: a publish before then could be dropped for want of a binding, or fail and be retried blind.
    /// </summary>
    public static async Task WaitUntilReadyAsync(this IBusControl bus, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(bus);
        if (bus.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            await bus.WaitForHealthStatus(BusHealthStatus.Healthy, ct);
            ct.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Publishes relay batches. Each message's id is its source event's id, and its span is parented on the trace that
    /// wrote the event, so the consumer's trace id is the one the original request had.
    /// </summary>
    private sealed class BusEventPublisher(IBusControl bus, ActivitySource source) : IEventPublisher
    {
        public async Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken ct)
        {
            // The relay's page waits here while the broker is away, and Marten keeps its checkpoint: nothing is skipped.
            await bus.WaitUntilReadyAsync(ct);
            // Publisher confirms are on: each publish completes when the broker has the message. Up to 100 are in flight.
            foreach (var chunk in messages.Chunk(100))
            {
                await Task.WhenAll(chunk.Select(m => PublishOneAsync(m, ct)));
            }
        }

        private async Task PublishOneAsync(OutgoingMessage m, CancellationToken ct)
        {
            ActivityContext.TryParse(m.TraceParent, null, out var parent);
            using var activity = source.StartActivity("relay " + m.Message.GetType().Name, ActivityKind.Producer, parent);
            await bus.Publish(m.Message, m.Message.GetType(), ctx =>
            {
                ctx.MessageId = m.MessageId;
                if (Guid.TryParse(m.CorrelationId, out var correlation))
                {
                    ctx.CorrelationId = correlation;
                }
            }, ct);
        }
    }
}
