using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using C = Engagement.Contracts;

namespace Engagement.Plans.Tests;

/// <summary>The real plans service on Kestrel with its own database and RabbitMQ virtual host, and a listener for what it publishes.</summary>
public sealed class PlansFixture : IAsyncLifetime
{
    private readonly string _database = TestInfrastructure.UniqueName("plans");
    private readonly string _vhost = TestInfrastructure.UniqueName("plans");
    private IHost? _listener;

    public ServiceHost<PlansApp> Service { get; private set; } = null!;
    public TestClock Clock { get; } = new();
    public PublishedLog Published { get; } = new();
    public ConsumedLog Consumed { get; } = new();
    public string ConnectionString { get; private set; } = "";

    /// <summary>Publishes to the service's virtual host as another service would.</summary>
    public IBus Bus => _listener!.Services.GetRequiredService<IBus>();

    public async Task InitializeAsync()
    {
        ConnectionString = await TestInfrastructure.CreateDatabaseAsync(_database);
        await TestInfrastructure.CreateVirtualHostAsync(_vhost);
        // The listener's queues are bound before the service can publish anything.
        _listener = await TestBus.StartAsync(_vhost, x => x.AddConsumer<PublishedRecorder>(), services => services.AddSingleton(Published));
        Service = new ServiceHost<PlansApp>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:EventStore"] = ConnectionString,
            ["RabbitMq:VirtualHost"] = _vhost,
        }, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddConsumeObserver(_ => Consumed);
        }).Start();
    }

    public HttpClient As(string role, params string[] areas) => Service.Client(TestTokens.Create(role, $"{role}-{Guid.NewGuid():N}"[..20], areas));

    public HttpClient Anonymous() => Service.Client();

    /// <summary>A resident, whose token's subject is their subscriber id.</summary>
    public HttpClient Resident(string residentId) => Service.Client(TestTokens.Create(Roles.Resident, residentId));

    public HttpClient Officer(string area) => As(Roles.Neighbourhood, area);

    public Task<long> CountAsync(string sql) => TestInfrastructure.ScalarAsync<long>(ConnectionString, sql);

    /// <summary>Raises candidate priorities of the area through a survey import dated today, one row per category given.</summary>
    public async Task RaiseBySurveyAsync(string area, params string[] categories)
    {
        var today = DateOnly.FromDateTime(London.Show(Clock.GetUtcNow()).DateTime);
        var csv = new StringBuilder("respondent_area,issue_category,free_text,date\n");
        foreach (var (category, i) in categories.Select((c, i) => (c, i)))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{area},{category},Raised in the survey ({i}),{today:yyyy-MM-dd}\n");
        }

        using var officer = Officer(area);
        using var content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync("/api/plans/priorities/imports/survey", content)).StatusCode);
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await TestBus.StopAsync(_listener);

        await TestInfrastructure.DeleteVirtualHostAsync(_vhost);
        await TestInfrastructure.DropDatabaseAsync(_database);
    }
}

/// <summary>Every event the service published, by message id.</summary>
public sealed class PublishedLog
{
    public ConcurrentBag<(Guid MessageId, object Message)> Messages { get; } = [];

    public IReadOnlyList<T> Of<T>() => Messages.Select(m => m.Message).OfType<T>().ToList();

    public Task<IReadOnlyList<T>> WaitForAsync<T>(Func<T, bool> match, int count = 1) =>
        TestInfrastructure.EventuallyAsync(() => Task.FromResult<IReadOnlyList<T>>(Of<T>().Where(match).ToList()), l => l.Count >= count, what: $"{count} {typeof(T).Name}");
}

public sealed class PublishedRecorder(PublishedLog log)
    : IConsumer<C.PlanPublished>, IConsumer<C.PriorityRaised>, IConsumer<C.PriorityActioned>, IConsumer<C.PriorityClosed>
{
    public Task Consume(ConsumeContext<C.PlanPublished> context) => Record(context);

    public Task Consume(ConsumeContext<C.PriorityRaised> context) => Record(context);

    public Task Consume(ConsumeContext<C.PriorityActioned> context) => Record(context);

    public Task Consume(ConsumeContext<C.PriorityClosed> context) => Record(context);

    private Task Record<T>(ConsumeContext<T> context) where T : class
    {
        log.Messages.Add((context.MessageId ?? Guid.Empty, context.Message));
        return Task.CompletedTask;
    }
}

public static class PlanRequests
{
    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, object? body, string? ifMatch = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request);
    }

    public static string ETag(this HttpResponseMessage response) => response.Headers.ETag!.Tag;

    public static async Task<JsonArray> ArrayAsync(this HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonArray>())!;
}
