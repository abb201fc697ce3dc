using System.Diagnostics;
using Engagement.MartenAdditions;
using Engagement.MartenAdditions.RelayHost;
using Engagement.ServiceDefaults;
using JasperFx.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Settings come from the environment: ConnectionStrings__EventStore, RabbitMq__VirtualHost, and RelayHost__HangAfterPublish.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddSingleton(new ActivitySource("relay-host"));
builder.AddMessaging();
var hang = builder.Configuration.GetValue<bool>("RelayHost:HangAfterPublish");
builder.Services.AddEngagementMarten(RelayedThing.Schema,
    sp => sp.GetRequiredService<IConfiguration>().GetConnectionString("EventStore") ?? throw new InvalidOperationException("ConnectionStrings:EventStore is not set."),
    (options, sp) =>
    {
        options.Events.MapEventType<ThingHappened>("thing_happened");
        options.Events.MapEventType<EffectRecorded>("person_registered");
        options.Projections.LeadershipPollingTime = 200;
        options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(50);
        IEventPublisher publisher = sp.GetRequiredService<IEventPublisher>();
        options.Events.Subscribe(new Relay(RelayedThing.Map, hang ? new HangAfterPublish(publisher) : publisher));
    });
await builder.Build().RunAsync();

namespace Engagement.MartenAdditions.RelayHost
{
    public sealed record ThingHappened(Guid ThingId, Guid Mark);

    /// <summary>What the test's consumer appends as its effect; this relay reads it and publishes nothing for it.</summary>
    public sealed record EffectRecorded(Guid PersonId);

    /// <summary>The integration message this host's relay publishes.</summary>
    public sealed record RelayedThing(Guid Mark)
    {
        public const string Schema = "things";

        public static object? Map(IEvent e) => e.Data is ThingHappened t ? new RelayedThing(t.Mark) : null;
    }

    /// <summary>
    /// Publishes (the broker confirms), says so on standard output, and never returns: the process is then between
    /// publishing and its checkpoint, waiting to be killed.
    /// </summary>
    internal sealed class HangAfterPublish(IEventPublisher inner) : IEventPublisher
    {
        public async Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken ct)
        {
            await inner.PublishAsync(messages, ct);
            await Console.Out.WriteLineAsync($"published {messages.Count}");
            await Console.Out.FlushAsync(ct);
            await Task.Delay(Timeout.Infinite, ct);
        }
    }
}
