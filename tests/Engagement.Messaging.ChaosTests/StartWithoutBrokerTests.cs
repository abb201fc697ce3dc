using System.Collections.Concurrent;
using System.Net;
using Engagement.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Abstractions;
using C = Engagement.Contracts;

namespace Engagement.Messaging.ChaosTests;

/// <summary>
/// A service started while RabbitMQ is down starts, says it is not ready, and resumes when the broker comes back: the
/// relay publishes what was written meanwhile, and consumers consume. The broker is a private node of this test's, so
/// the shared one is never touched.
/// </summary>
public sealed class StartWithoutBrokerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _database = TestInfrastructure.UniqueName("nobroker");
    private readonly PrivateRabbitMq _broker = new();
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestInfrastructure.CreateDatabaseAsync(_database);

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(_database);
    }

    private Task<long> ScalarAsync(string sql) => TestInfrastructure.ScalarAsync<long>(_connectionString, sql);

    private Task<IHost> RecorderAsync(ConcurrentBag<C.ResidentErased> received) =>
        TestBus.StartAsync("/", x => x.AddConsumer<ErasureRecorder>(), services => services.AddSingleton(received), _broker.Settings);

    [Fact]
    public async Task a_service_started_while_rabbitmq_is_down_is_alive_not_ready_and_resumes_when_the_broker_comes_back()
    {
        // The recorder's queue and its binding are declared once and outlive the stop, so whatever the relay publishes
        // after the restart has somewhere to land, however soon it comes.
        var received = new ConcurrentBag<C.ResidentErased>();
        await _broker.StartAsync();
        using (var recorder = await RecorderAsync(received))
        {
            await recorder.StopAsync();
        }

        await _broker.StopAsync();

        var settings = _broker.Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        settings["ConnectionStrings__EventStore"] = _connectionString;
        settings["RabbitMq__VirtualHost"] = "/";
        settings["EventStore__PollIntervalMs"] = "50";
        await using var service = new ServiceProcess(settings);
        await service.LaunchAsync();

        // Written while the broker is away: a resident's erasure, which the relay must publish as ResidentErased.
        var resident = "nobroker-" + Guid.NewGuid().ToString("N")[..8];
        using (var me = new HttpClient { BaseAddress = service.BaseAddress })
        {
            me.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create("resident", resident));
            Assert.Equal(HttpStatusCode.NoContent, (await me.DeleteAsync("/api/messaging/subscriptions/me")).StatusCode);
        }

        var erasedAt = await ScalarAsync($"select seq_id from messaging.mt_events where type = 'subscriber_erased' and stream_id = 'subscription-{resident}'");

        // Past the minute after which the host used to give up ("Hosting failed to start"), it is alive and not ready,
        // and the relay has not passed the erasure.
        var until = DateTime.UtcNow.AddSeconds(70);
        while (DateTime.UtcNow < until)
        {
            Assert.False(service.HasExited, $"the service exited while the broker was down:\n{service.Output}");
            Assert.Equal(HttpStatusCode.OK, await service.HealthAsync("/health/live"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await service.HealthAsync("/health/ready"));
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        Assert.True(await ScalarAsync("select coalesce((select last_seq_id from messaging.mt_event_progression where name = 'relay:All'), 0)") < erasedAt);

        var brokerBack = DateTime.UtcNow;
        await _broker.StartAsync();
        await service.WaitForAsync("/health/ready", TimeSpan.FromSeconds(120), "the service to become ready once the broker is back");
        output.WriteLine($"ready {DateTime.UtcNow - brokerBack} after the broker was started");

        // The relay published the backlog (the recorder's queue held it meanwhile), and a consumer consumes again.
        using var bus = await RecorderAsync(received);
        await TestInfrastructure.EventuallyAsync(() => Task.FromResult(received.Count(r => r.ResidentId == resident)), n => n >= 1, TimeSpan.FromSeconds(60),
            "ResidentErased, written while the broker was down, to be published");
        Assert.True(await ScalarAsync("select last_seq_id from messaging.mt_event_progression where name = 'relay:All'") >= erasedAt);

        var scheduled = new C.SurgeryScheduled(Guid.CreateVersion7(), DateTimeOffset.UtcNow, Guid.NewGuid(), "bulwell", "Beat surgery", DateTimeOffset.UtcNow.AddDays(2),
            DateTimeOffset.UtcNow.AddDays(2).AddHours(1), new C.VenueInfo("Bulwell Library", "Highbury Vale", "NG6 9AB", true, false), 10, ["asb"]);
        await bus.Services.GetRequiredService<IBus>().Publish(scheduled, ctx => ctx.MessageId = scheduled.EventId);
        await TestInfrastructure.EventuallyAsync(() => ScalarAsync($"select count(*) from messaging.mt_doc_inbox where id = 'SurgeryScheduledConsumer/{scheduled.EventId}'"),
            n => n == 1, TimeSpan.FromSeconds(60), "the messaging service to consume SurgeryScheduled");
        await bus.StopAsync();
    }

    private sealed class ErasureRecorder(ConcurrentBag<C.ResidentErased> received) : IConsumer<C.ResidentErased>
    {
        public Task Consume(ConsumeContext<C.ResidentErased> context)
        {
            received.Add(context.Message);
            return Task.CompletedTask;
        }
    }
}
