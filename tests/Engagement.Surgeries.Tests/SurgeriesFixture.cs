using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using C = Engagement.Contracts;

namespace Engagement.Surgeries.Tests;

/// <summary>
/// The real surgeries service on Kestrel with its own database and RabbitMQ virtual host, a clock the tests move, and
/// a listener on the same broker that records every contract the service publishes.
/// </summary>
public sealed class SurgeriesFixture : IAsyncLifetime
{
    private readonly string _database = TestInfrastructure.UniqueName("surg");
    private readonly string _vhost = TestInfrastructure.UniqueName("surg");
    private IHost? _listener;

    public TestClock Clock { get; } = new();
    public ServiceHost<SurgeriesApp> Service { get; private set; } = null!;
    public ContractLog Published { get; } = new();
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestInfrastructure.CreateDatabaseAsync(_database);
        await TestInfrastructure.CreateVirtualHostAsync(_vhost);

        // The listener's queue is bound before the service can publish anything.
        _listener = await TestBus.StartAsync(_vhost, x => x.AddConsumer<ContractRecorder>(), services => services.AddSingleton(Published));

        Service = new ServiceHost<SurgeriesApp>(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:EventStore"] = ConnectionString,
                ["RabbitMq:VirtualHost"] = _vhost,
                ["Surgeries:BookerRetentionDays"] = "30",
            },
            services => services.AddSingleton<TimeProvider>(Clock)).Start();
    }

    public HttpClient As(string role, string? sub = null, params string[] areas) =>
        Service.Client(TestTokens.Create(role, sub ?? $"{role}-{Guid.NewGuid():N}"[..20], areas));

    public HttpClient Anonymous() => Service.Client();

    /// <summary>An officer for the areas named, or force-wide (area "*") when none is: a token naming no area may act in none.</summary>
    public HttpClient Officer(params string[] areas) => As(Roles.Neighbourhood, "officer-1", areas.Length == 0 ? [AreaScope.ForceWide] : areas);

    /// <summary>A valid surgery request, starting <paramref name="inHours"/> from the test clock's now.</summary>
    public JsonObject SurgeryBody(string officerId, double inHours = 48, int? capacity = 10, string area = "bulwell", string title = "Beat surgery")
    {
        var starts = Clock.GetUtcNow().AddHours(inHours);
        return new JsonObject
        {
            ["areaCode"] = area,
            ["title"] = title,
            ["startsAt"] = starts.ToString("O"),
            ["endsAt"] = starts.AddMinutes(90).ToString("O"),
            ["venue"] = new JsonObject { ["name"] = "Bulwell Library", ["address"] = "Highbury Vale, Nottingham", ["postcode"] = "NG6 9AB", ["accessible"] = true },
            ["capacity"] = capacity,
            ["hostOfficer"] = new JsonObject { ["id"] = officerId, ["name"] = "PC " + officerId },
            ["topics"] = new JsonArray("asb", "burglary"),
        };
    }

    public async Task<JsonObject> ScheduleAsync(int? capacity = 10, double inHours = 48, string? officerId = null, string area = "bulwell")
    {
        using var client = Officer();
        var response = await client.PostAsJsonAsync("/api/surgeries", SurgeryBody(officerId ?? "pc-" + Guid.NewGuid().ToString("N")[..8], inHours, capacity, area));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async Task<HttpResponseMessage> BookAsync(
        Guid surgeryId, string residentId, string name = "Jo Bloggs", string contact = "jo@example.org", bool? consentToHearBack = null)
    {
        using var client = As(Roles.Resident, residentId);
        return await client.PostAsJsonAsync($"/api/surgeries/{surgeryId}/bookings", new { name, contact, needs = "Step-free access", consentToHearBack });
    }

    public Task<T> ScalarAsync<T>(string sql) => TestInfrastructure.ScalarAsync<T>(ConnectionString, sql);

    /// <summary>Publishes a message as another service's relay would, over the real broker: its message id is its event id.</summary>
    public Task PublishAsync<T>(T message) where T : class, C.IIntegrationEvent =>
        _listener!.Services.GetRequiredService<IBus>().Publish(message, ctx => ctx.MessageId = message.EventId);

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await TestBus.StopAsync(_listener);

        await TestInfrastructure.DeleteVirtualHostAsync(_vhost);
        await TestInfrastructure.DropDatabaseAsync(_database);
    }
}

/// <summary>Every contract message received, with its broker message id and its JSON.</summary>
public sealed class ContractLog
{
    public ConcurrentBag<(string Type, Guid MessageId, object Message, string Json)> Messages { get; } = [];

    public IReadOnlyList<T> Of<T>() => Messages.Select(m => m.Message).OfType<T>().ToList();
}

public sealed class ContractRecorder(ContractLog log) :
    IConsumer<C.SurgeryScheduled>, IConsumer<C.SurgeryRescheduled>, IConsumer<C.SurgeryCancelled>,
    IConsumer<C.BookingConfirmed>, IConsumer<C.BookingPromoted>, IConsumer<C.SurgeryHeld>
{
    private Task Record<T>(ConsumeContext<T> context) where T : class
    {
        log.Messages.Add((typeof(T).Name, context.MessageId ?? Guid.Empty, context.Message, JsonSerializer.Serialize(context.Message)));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<C.SurgeryScheduled> context) => Record(context);
    public Task Consume(ConsumeContext<C.SurgeryRescheduled> context) => Record(context);
    public Task Consume(ConsumeContext<C.SurgeryCancelled> context) => Record(context);
    public Task Consume(ConsumeContext<C.BookingConfirmed> context) => Record(context);
    public Task Consume(ConsumeContext<C.BookingPromoted> context) => Record(context);
    public Task Consume(ConsumeContext<C.SurgeryHeld> context) => Record(context);
}
