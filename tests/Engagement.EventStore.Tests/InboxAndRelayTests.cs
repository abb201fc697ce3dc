using System.Collections.Concurrent;
using System.Diagnostics;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engagement.EventStore.Tests;

public sealed record ThingPublished(Guid EventId, string Name);

public sealed record EffectCount(int Count);

public sealed class InboxAndRelayTests(StoreFixture db) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private readonly string _vhost = TestInfrastructure.UniqueName("relay");

    public Task InitializeAsync() => TestInfrastructure.CreateVirtualHostAsync(_vhost);

    public Task DisposeAsync() => TestInfrastructure.DeleteVirtualHostAsync(_vhost);

    [Fact]
    public async Task the_inbox_runs_an_effect_once_per_message_even_when_delivered_concurrently()
    {
        var store = await db.StoreAsync("inbox_once");
        var messageId = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => store.HandleOnceAsync(messageId, "counter", async s =>
        {
            var current = await store.LoadAsync<EffectCount>("c") ?? new EffectCount(0);
            s.Store("c", current with { Count = current.Count + 1 });
        })));

        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(1, (await store.LoadAsync<EffectCount>("c"))!.Count);
        Assert.True(await store.IsProcessedAsync(messageId, "counter"));
        Assert.False(await store.IsProcessedAsync(messageId, "another-consumer"));
    }

    [Fact]
    public async Task relay_killed_between_publish_and_checkpoint_publishes_again_and_the_inbox_makes_the_effect_happen_once()
    {
        var store = await db.StoreAsync("relay_crash");
        var probe = new ConsumerProbe();
        using var host = await TestBus.StartAsync(_vhost, x => x.AddConsumer<ThingPublishedConsumer>(), services =>
        {
            services.AddSingleton(store);
            services.AddSingleton(probe);
            services.AddSingleton<ISubscription>(sp => new Relay(
                e => e.Data is ThingHappened t ? new ThingPublished(e.Id, t.Name) : null,
                new CrashAfterPublishOnce(sp.GetRequiredService<IEventPublisher>())));
            services.AddHostedService<SubscriptionRunner>();
        });
        try
        {
            await store.AppendAsync("s", "thing", ExpectedVersion.NoStream, [new ThingHappened("once", 1), new ThingRenamed("internal only")]);
            var eventId = (await store.ReadStreamAsync("s"))[0].Id;

            // First publish reaches the broker, then the relay "dies" before its checkpoint; the runner starts again
            // from the old checkpoint and publishes the same message (same id) a second time.
            await TestInfrastructure.EventuallyAsync(() => Task.FromResult(probe.Deliveries.Count), n => n >= 2, what: "the message to be delivered twice");
            await TestInfrastructure.EventuallyAsync(() => Task.FromResult(probe.Skipped), n => n >= 1, what: "the duplicate to be skipped");

            Assert.All(probe.Deliveries, id => Assert.Equal(eventId, id));
            Assert.Equal(1, (await store.LoadAsync<EffectCount>("effect"))!.Count);
            Assert.Equal(1, probe.Applied);
            var progress = await Progression.ListAsync(store, default);
            Assert.Equal(0, progress.Single(p => p.Name == Relay.SubscriptionName).Behind);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    public sealed class ConsumerProbe
    {
        public ConcurrentBag<Guid> Deliveries { get; } = [];
        private int _applied;
        private int _skipped;
        public int Applied => _applied;
        public int Skipped => _skipped;
        public void Record(bool applied) => Interlocked.Increment(ref applied ? ref _applied : ref _skipped);
    }

    public sealed class ThingPublishedConsumer(EventStore store, ConsumerProbe probe) : IConsumer<ThingPublished>
    {
        public async Task Consume(ConsumeContext<ThingPublished> context)
        {
            probe.Deliveries.Add(context.MessageId!.Value);
            var applied = await store.HandleOnceAsync(context.MessageId!.Value, "thing-published-consumer", async s =>
            {
                var current = await store.LoadAsync<EffectCount>("effect") ?? new EffectCount(0);
                s.Store("effect", current with { Count = current.Count + 1 });
            });
            probe.Record(applied);
        }
    }

    private sealed class CrashAfterPublishOnce(IEventPublisher inner) : IEventPublisher
    {
        private int _crashed;

        public async Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken ct)
        {
            await inner.PublishAsync(messages, ct);
            if (Interlocked.Exchange(ref _crashed, 1) == 0)
            {
                throw new InvalidOperationException("relay died after the broker confirmed, before its checkpoint");
            }
        }
    }
}
