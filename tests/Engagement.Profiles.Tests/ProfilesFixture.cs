using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using C = Engagement.Contracts;

namespace Engagement.Profiles.Tests;

/// <summary>The real profiles service on Kestrel with its own database and RabbitMQ virtual host.</summary>
public sealed class ProfilesFixture : IAsyncLifetime
{
    private readonly string _database = TestInfrastructure.UniqueName("prof");
    private readonly string _vhost = TestInfrastructure.UniqueName("prof");

    public ServiceHost<ProfilesApp> Service { get; private set; } = null!;
    public TestClock Clock { get; } = new();
    public RefreshedLog Published { get; } = new();
    private IHost? _listener;
    public string ConnectionString { get; private set; } = "";

    public static readonly string[] ShippedFiles =
    [
        "census2021-ts021-ward-nottinghamshire.csv", "census2021-ts030-ward-nottinghamshire.csv", "census2021-ts054-ward-nottinghamshire.csv",
        "census2021-ts024-ltla-nottinghamshire.csv", "census2021-ts029-ltla-nottinghamshire.csv",
    ];

    public async Task InitializeAsync()
    {
        ConnectionString = await TestInfrastructure.CreateDatabaseAsync(_database);
        await TestInfrastructure.CreateVirtualHostAsync(_vhost);
        // The listener's queue is bound before the service can publish anything.
        _listener = await TestBus.StartAsync(_vhost, x => x.AddConsumer<RefreshedRecorder>(), services => services.AddSingleton(Published));
        Service = NewService();
    }

    private ServiceHost<ProfilesApp> NewService() => new ServiceHost<ProfilesApp>(new Dictionary<string, string?>
    {
        ["ConnectionStrings:EventStore"] = ConnectionString,
        ["RabbitMq:VirtualHost"] = _vhost,
    }, services => services.AddSingleton<TimeProvider>(Clock)).Start();

    /// <summary>Stops the service as a deployment would, then starts a new instance on the same database and virtual host.</summary>
    public async Task StopAsync() => await Service.DisposeAsync();

    public void StartAgain() => Service = NewService();

    public HttpClient As(string role, params string[] areas) => Service.Client(TestTokens.Create(role, $"{role}-{Guid.NewGuid():N}"[..20], areas));

    public HttpClient Anonymous() => Service.Client();

    /// <summary>Publishes a message as another service would, over the real broker, with the given message id.</summary>
    public Task PublishAsync<T>(T message, Guid messageId) where T : class =>
        _listener!.Services.GetRequiredService<IBus>().Publish(message, ctx => ctx.MessageId = messageId);

    /// <summary>An analyst who works force-wide, as the census and every area's communities need.</summary>
    public HttpClient Analyst() => As(Roles.Analyst, AreaScope.ForceWide);

    /// <summary>
    /// TS030 for made-up wards with long names, codes from E05{<paramref name="firstCode"/>}: over 20 MB with few enough
    /// figures to write quickly. No area has these codes.
    /// </summary>
    public static (byte[] Csv, int Rows) MadeUpWards(int firstCode)
    {
        var ts030 = System.Text.Encoding.UTF8.GetString(Shipped("census2021-ts030-ward-nottinghamshire.csv"));
        var csv = new System.Text.StringBuilder(ts030[..ts030.IndexOf('\n', StringComparison.Ordinal)]).Append('\n');
        var name = new string('x', 220);
        var rows = 0;
        while (csv.Length < 21_000_000)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"2021,{name},E05{firstCode + rows:D6},9,1,1,1,1,1,1,1,1,1\n");
            rows++;
        }

        return (System.Text.Encoding.UTF8.GetBytes(csv.ToString()), rows);
    }

    public static byte[] Shipped(string file) => File.ReadAllBytes(SeedAreasTests.SeedPath("census2021", file));

    public const string Reason = "Census refresh for the tests";

    public async Task<HttpResponseMessage> PostAsync(byte[] body, string? table = null, string? reason = Reason)
    {
        using var client = Analyst();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var query = (reason is null ? "" : $"reason={Uri.EscapeDataString(reason)}") + (table is null ? "" : $"&table={table}");
        return await client.PostAsync("/api/profiles/imports?" + query.TrimStart('&'), content);
    }

    /// <summary>Posts a file and waits for its import to finish; the final status resource.</summary>
    public async Task<JsonObject> ImportAsync(byte[] body, string? table = null)
    {
        var response = await PostAsync(body, table);
        var status = await response.BodyAsync();
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, status.ToJsonString());
        using var client = Analyst();
        return await TestInfrastructure.EventuallyAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>($"/api/profiles/imports/{status.Id()}"))!,
            // Generous: a 21 MB file on a busy two-core machine has been seen to take over 30 s. Speed is a benchmark's business.
            s => s["status"]!.GetValue<string>() is "imported" or "failed", TimeSpan.FromMinutes(2), "the import to finish");
    }

    public async Task ImportShippedAsync()
    {
        foreach (var file in ShippedFiles)
        {
            var status = await ImportAsync(Shipped(file));
            Assert.Equal("imported", status["status"]!.GetValue<string>());
        }
    }

    public Task<long> CountAsync(string sql) => TestInfrastructure.ScalarAsync<long>(ConnectionString, sql);

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await TestBus.StopAsync(_listener);

        await TestInfrastructure.DeleteVirtualHostAsync(_vhost);
        await TestInfrastructure.DropDatabaseAsync(_database);
    }
}

/// <summary>Every contract the service published that the tests listen for, with its broker message id.</summary>
public sealed class RefreshedLog
{
    public ConcurrentBag<(Guid MessageId, C.CommunityProfileRefreshed Message)> Messages { get; } = [];
    public ConcurrentBag<(Guid MessageId, C.EmergingCommunityIdentified Message)> Emerging { get; } = [];
}

public sealed class RefreshedRecorder(RefreshedLog log) : IConsumer<C.CommunityProfileRefreshed>, IConsumer<C.EmergingCommunityIdentified>
{
    public Task Consume(ConsumeContext<C.CommunityProfileRefreshed> context)
    {
        log.Messages.Add((context.MessageId ?? Guid.Empty, context.Message));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<C.EmergingCommunityIdentified> context)
    {
        log.Emerging.Add((context.MessageId ?? Guid.Empty, context.Message));
        return Task.CompletedTask;
    }
}
