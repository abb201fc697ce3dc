using System.Collections.Concurrent;
using System.Diagnostics;
using Engagement.MartenAdditions.RelayHost;
using Engagement.Testing;
using MassTransit;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engagement.MartenAdditions.Tests;

/// <summary>
/// The relay in a process of its own, on the real RabbitMQ, killed with SIGKILL after the broker confirmed a page and
/// before Marten recorded the checkpoint. The next relay publishes the page again; the consumer's inbox keeps the effect
/// to once per event.
/// </summary>
public sealed class RelayKillTests : DatabasePerTest
{
    private readonly string _vhost = TestInfrastructure.UniqueName("relay");
    private IHost? _consumers;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await TestInfrastructure.CreateVirtualHostAsync(_vhost);
    }

    public override async Task DisposeAsync()
    {
        await TestBus.StopAsync(_consumers);

        await base.DisposeAsync();
        await TestInfrastructure.DeleteVirtualHostAsync(_vhost);
    }

    [Fact]
    public async Task a_relay_killed_between_publish_and_checkpoint_publishes_again_and_the_effect_happens_once()
    {
        var store = (await Fixture.StartHostAsync(new RecordingPublisher(), "kill-store", daemon: false)).Services.GetRequiredService<IDocumentStore>();
        var deliveries = new ConcurrentQueue<Guid>();
        _consumers = await TestBus.StartAsync(_vhost, x => x.AddConsumer<RelayedThingConsumer>(), s => s.AddSingleton(store).AddSingleton(deliveries));

        var marks = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        await using (var session = store.LightweightSession())
        {
            foreach (var m in marks)
            {
                session.Events.Append($"kill-{m:N}", new ThingHappened(Guid.Empty, m));
            }

            await session.SaveChangesAsync();
        }

        await using (var first = RelayProcess.Start(Fixture.ConnectionString("relay-first"), _vhost, hangAfterPublish: true))
        {
            await TestInfrastructure.EventuallyAsync(() => Task.FromResult(first.Output.Contains("published 5")), p => p, TimeSpan.FromSeconds(60), "the relay to publish and hang");
            await TestInfrastructure.EventuallyAsync(() => Task.FromResult(deliveries.Count), n => n >= 5, TimeSpan.FromSeconds(30), "the first deliveries");
            first.Kill();
        }

        Assert.Equal(0, await RelayCheckpointAsync());

        await using (var second = RelayProcess.Start(Fixture.ConnectionString("relay-second"), _vhost, hangAfterPublish: false))
        {
            await TestInfrastructure.EventuallyAsync(RelayCheckpointAsync, c => c >= 5, TimeSpan.FromSeconds(60), "the second relay's checkpoint");
            await TestInfrastructure.EventuallyAsync(() => Task.FromResult(deliveries.Count), n => n >= 10, TimeSpan.FromSeconds(30), "the page to be delivered again");
        }

        Assert.Equal(marks.Order(), deliveries.Distinct().Order());
        var effects = await Fixture.ScalarAsync<long>($"select count(*) from {MartenFixture.Schema}.mt_events where stream_id = 'effects'");
        Assert.Equal(5, effects);
    }

    private Task<long> RelayCheckpointAsync() => Fixture.ScalarAsync<long>(
        $"select coalesce((select last_seq_id from {MartenFixture.Schema}.mt_event_progression where name like 'relay%'), 0)");

    /// <summary>The effect of a delivery: an event of its own, appended once per message through the inbox.</summary>
    public sealed class RelayedThingConsumer(IDocumentStore store, ConcurrentQueue<Guid> deliveries) : IConsumer<RelayedThing>
    {
        public async Task Consume(ConsumeContext<RelayedThing> context)
        {
            ArgumentNullException.ThrowIfNull(context);
            deliveries.Enqueue(context.Message.Mark);
            await store.HandleOnceAsync(context.MessageId!.Value, "effects", s =>
            {
                // An event the relay does not publish, so the effect cannot feed back into the relay.
                s.Events.Append("effects", new PersonRegistered(context.Message.Mark, null, null, "effect"));
                return Task.CompletedTask;
            }, context.CancellationToken);
        }
    }

    private sealed class RelayProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();

        private RelayProcess(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output => string.Join('\n', _lines);

        public static RelayProcess Start(string connectionString, string vhost, bool hangAfterPublish)
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "Engagement.MartenAdditions.RelayHost.dll");
            var info = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
            info.Environment["ConnectionStrings__EventStore"] = connectionString;
            info.Environment["RabbitMq__VirtualHost"] = vhost;
            info.Environment["RelayHost__HangAfterPublish"] = hangAfterPublish ? "true" : "false";
            return new RelayProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
        }

        /// <summary>SIGKILL: no shutdown hooks, no checkpoint, connections cut off mid-flight.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
