using System.Collections.Concurrent;
using System.Text.Json;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using JasperFx.Events;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using C = Engagement.Contracts;

namespace Engagement.Messaging.Tests;

/// <summary>
/// The real messaging service on Kestrel with its own database and RabbitMQ virtual host, a real SMTP server, a fake
/// SMS provider, a clock the tests move, and a bus on the same virtual host that publishes what other services would
/// (surgery events) and records what this one publishes.
/// </summary>
public class MessagingFixture : IAsyncLifetime
{
    private readonly string _database = TestInfrastructure.UniqueName("msg");
    private readonly string _vhost = TestInfrastructure.UniqueName("msg");
    private IHost? _bus;

    public TestClock Clock { get; } = new();
    public ServiceHost<MessagingApp> Service { get; private set; } = null!;
    public LocalSmtp Smtp { get; private set; } = null!;
    public FakeSmsProvider Sms { get; private set; } = null!;
    public PublishedLog Published { get; } = new();
    public ConsumedLog Consumed { get; } = new();
    public string ConnectionString { get; private set; } = "";
    public string VirtualHost => _vhost;

    /// <summary>A derived fixture changes the service's settings here, before it starts.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public async Task InitializeAsync()
    {
        ConnectionString = await TestInfrastructure.CreateDatabaseAsync(_database);
        await TestInfrastructure.CreateVirtualHostAsync(_vhost);
        Smtp = await LocalSmtp.StartAsync();
        Sms = await FakeSmsProvider.StartAsync();

        _bus = await TestBus.StartAsync(_vhost, x => x.AddConsumer<PublishedRecorder>(), services => services.AddSingleton(Published));

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:EventStore"] = ConnectionString,
            ["RabbitMq:VirtualHost"] = _vhost,
            ["Email:Host"] = "127.0.0.1",
            ["Email:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:From"] = "alerts@engagement.example",
            ["Sms:ProviderUrl"] = Sms.BaseAddress.ToString(),
            ["Messaging:PublicBaseUrl"] = "http://localhost:8080",
        };
        Configure(settings);
        _settings = settings;

        Service = new ServiceHost<MessagingApp>(settings, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddConsumeObserver(_ => Consumed);
        }).Start();
    }

    private Dictionary<string, string?> _settings = [];

    /// <summary>A second instance of the service on the same database and virtual host, competing with the first.</summary>
    public ServiceHost<MessagingApp> StartAnotherInstance() => new ServiceHost<MessagingApp>(_settings, services => services.AddSingleton<TimeProvider>(Clock)).Start();

    /// <summary>
    /// A client for the role. Staff named no areas are given force-wide tokens (area "*"), as a token naming no area
    /// may act in none; <see cref="WithoutArea"/> makes one of those.
    /// </summary>
    public HttpClient As(string role, string? sub = null, params string[] areas) =>
        Service.Client(TestTokens.Create(role, sub ?? $"{role}-{Guid.NewGuid():N}"[..20],
            areas.Length == 0 && role is Roles.Neighbourhood or Roles.Communications ? [AreaScope.ForceWide] : areas));

    /// <summary>Staff whose token names no area at all, as if an identity provider had dropped the claim.</summary>
    public HttpClient WithoutArea(string role, string sub) => Service.Client(TestTokens.Create(role, sub));

    public HttpClient Resident(string subscriberId) => As(Roles.Resident, subscriberId);

    public HttpClient Anonymous() => Service.Client();

    /// <summary>Publishes a message as another service would, over the real broker.</summary>
    public Task PublishAsync<T>(T message) where T : class => _bus!.Services.GetRequiredService<IBus>().Publish(message);

    /// <summary>Publishes with the given message id, as the relay does (message id = event id), so a second publish is a redelivery.</summary>
    public Task PublishAsync<T>(T message, Guid messageId) where T : class =>
        _bus!.Services.GetRequiredService<IBus>().Publish(message, ctx => ctx.MessageId = messageId);

    public Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) =>
        TestInfrastructure.ScalarAsync<T>(ConnectionString, sql, parameters);

    /// <summary>A stream's events as the service's store reads them: personal fields decrypted, or null once erased.</summary>
    public async Task<IReadOnlyList<IEvent>> StreamAsync(string streamKey)
    {
        using var scope = PersonalDataScope.Begin();
        await using var session = Service.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.FetchStreamAsync(streamKey);
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await TestBus.StopAsync(_bus);

        await Sms.DisposeAsync();
        await Smtp.DisposeAsync();
        await TestInfrastructure.DeleteVirtualHostAsync(_vhost);
        await TestInfrastructure.DropDatabaseAsync(_database);
    }
}

/// <summary>What the messaging service published, as received over the broker.</summary>
public sealed class PublishedLog
{
    public ConcurrentBag<(Guid MessageId, object Message, string Json)> Messages { get; } = [];

    public IReadOnlyList<T> Of<T>() => Messages.Select(m => m.Message).OfType<T>().ToList();
}

public sealed class PublishedRecorder(PublishedLog log) : IConsumer<C.AlertSent>, IConsumer<C.AlertCompleted>, IConsumer<C.ReplyReceived>,
    IConsumer<C.AudienceCounted>, IConsumer<C.ResidentErased>, IConsumer<C.ReplyRaisedAsIssue>,
    IConsumer<C.ReplyAnswered>, IConsumer<C.SubscriberAreasChanged>
{
    private Task Record<T>(ConsumeContext<T> context) where T : class
    {
        log.Messages.Add((context.MessageId ?? Guid.Empty, context.Message, JsonSerializer.Serialize(context.Message)));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<C.AlertSent> context) => Record(context);
    public Task Consume(ConsumeContext<C.AlertCompleted> context) => Record(context);
    public Task Consume(ConsumeContext<C.ReplyReceived> context) => Record(context);
    public Task Consume(ConsumeContext<C.AudienceCounted> context) => Record(context);
    public Task Consume(ConsumeContext<C.ReplyRaisedAsIssue> context) => Record(context);
    public Task Consume(ConsumeContext<C.ResidentErased> context) => Record(context);
    public Task Consume(ConsumeContext<C.ReplyAnswered> context) => Record(context);
    public Task Consume(ConsumeContext<C.SubscriberAreasChanged> context) => Record(context);
}
