using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Engagement.Contracts;
using Engagement.MartenAdditions;
using Engagement.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.ServiceDefaults.Tests;

/// <summary>A domain event of host A's; its relay publishes it as <see cref="SurgeryScheduled"/>.</summary>
public sealed record SomeDomainEvent(Guid SurgeryId, string AreaCode, string Title, DateTimeOffset StartsAt);

public sealed record ConsumedSurgery(Guid? MessageId, string? TraceId, SurgeryScheduled Message);

/// <summary>What host B's consumer saw, for the test to read.</summary>
public sealed class ConsumedMessages
{
    public ConcurrentQueue<ConsumedSurgery> All { get; } = new();
}

public sealed class TestSurgeryScheduledConsumer(ConsumedMessages consumed, Marten.IDocumentStore store) : IConsumer<SurgeryScheduled>
{
    public const string Name = "test-surgery-scheduled";

    public async Task Consume(ConsumeContext<SurgeryScheduled> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The effect and its inbox row commit together, as every real consumer's do.
        await store.HandleOnceAsync(context.MessageId!.Value, Name, _ =>
        {
            consumed.All.Enqueue(new ConsumedSurgery(context.MessageId, Activity.Current?.TraceId.ToString(), context.Message));
            return Task.CompletedTask;
        }, ct: context.CancellationToken);
    }
}

/// <summary>
/// Host A appends a domain event inside an HTTP request; its relay publishes the integration event over the real
/// RabbitMQ; host B consumes it. The message id is the event id and the trace is the request's, end to end.
/// </summary>
public sealed class IntegrationEventTraceTests : IAsyncLifetime
{
    private readonly string _vhost = TestInfrastructure.UniqueName("trace");
    private readonly string _databaseA = TestInfrastructure.UniqueName("trace_a");
    private readonly string _databaseB = TestInfrastructure.UniqueName("trace_b");
    private TestApp? _a;
    private TestApp? _b;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.CreateVirtualHostAsync(_vhost);
        var connectionA = await TestInfrastructure.CreateDatabaseAsync(_databaseA);
        var connectionB = await TestInfrastructure.CreateDatabaseAsync(_databaseB);

        // B first: AddMessaging waits for the bus, so B's queue is bound before A can publish.
        _b = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:EventStore"] = connectionB, ["RabbitMq:VirtualHost"] = _vhost },
            builder =>
            {
                builder.AddServiceDefaults("test-b");
                builder.AddMartenEventStore("b");
                builder.AddMessaging(x => x.AddConsumer<TestSurgeryScheduledConsumer>());
                builder.Services.AddSingleton<ConsumedMessages>();
            },
            app => app.UseServiceDefaults());

        _a = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:EventStore"] = connectionA, ["RabbitMq:VirtualHost"] = _vhost },
            builder =>
            {
                builder.AddServiceDefaults("test-a");
                builder.AddMartenEventStore(
                    "a",
                    (store, _) => store.Events.MapEventType<SomeDomainEvent>("some_domain_event"),
                    publicEvents: e => e.Data is SomeDomainEvent d
                        ? new SurgeryScheduled(e.Id, e.Timestamp, d.SurgeryId, d.AreaCode, d.Title, d.StartsAt, d.StartsAt.AddHours(1),
                            new VenueInfo("Bulwell Library", "Commercial Road", "NG6 8HD", Accessible: true, PrivateRoom: true), 12, ["parking"])
                        : null);
                builder.AddMessaging();
            },
            app =>
            {
                app.UseServiceDefaults();
                app.MapPost("/things", async (Marten.IDocumentStore store, CancellationToken ct) =>
                {
                    var id = Guid.CreateVersion7();
                    await CommandPath.RunAsync(store, (session, _) =>
                    {
                        session.Events.StartStream($"thing-{id}", new SomeDomainEvent(id, "bulwell", "Beat surgery", DateTimeOffset.UtcNow.AddDays(7)));
                        return Task.FromResult(true);
                    }, ct: ct);
                    return Results.Ok(new { id });
                }).AllowAnonymous();
            });
    }

    public async Task DisposeAsync()
    {
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        await TestInfrastructure.DropDatabaseAsync(_databaseA);
        await TestInfrastructure.DropDatabaseAsync(_databaseB);
        await TestInfrastructure.DeleteVirtualHostAsync(_vhost);
    }

    [Fact]
    public async Task an_event_written_in_a_request_is_consumed_by_another_service_with_its_id_and_trace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        // No trace headers of the client's own: the only trace context is the one sent here.
        using var client = _a!.Client(handler: new SocketsHttpHandler { ActivityHeadersPropagator = null });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/things", UriKind.Relative));
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<Created>())!.Id;
        await using var query = _a.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        var written = Assert.Single(await query.Events.FetchStreamAsync($"thing-{id}"));
        Assert.Contains(traceId.ToString(), Relay.TraceParentOf(written), StringComparison.Ordinal);

        var consumed = _b!.Services.GetRequiredService<ConsumedMessages>();
        await TestInfrastructure.EventuallyAsync(
            () => Task.FromResult(consumed.All.Count),
            count => count > 0,
            what: "host B to consume the SurgeryScheduled");

        var message = Assert.Single(consumed.All);
        Assert.Equal(written.Id, message.MessageId);
        Assert.Equal(written.Id, message.Message.EventId);
        Assert.Equal(id, message.Message.SurgeryId);
        Assert.Equal("bulwell", message.Message.AreaCode);
        Assert.Equal(traceId.ToString(), message.TraceId);
        // The effect is seen inside the consumer's unit of work, a moment before its inbox entry commits with it.
        await using var inbox = _b.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        await TestInfrastructure.EventuallyAsync(
            () => inbox.LoadAsync<InboxEntry>(InboxEntry.IdFor(TestSurgeryScheduledConsumer.Name, written.Id)),
            entry => entry is not null,
            what: "host B's inbox entry for the message");
    }

    private sealed record Created(Guid Id);
}
