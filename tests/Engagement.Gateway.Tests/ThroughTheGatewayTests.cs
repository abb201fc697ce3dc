using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Engagement.Testing;

namespace Engagement.Gateway.Tests;

public sealed class FullStackFixture : IAsyncLifetime
{
    public GatewayStack Stack { get; private set; } = null!;

    public async Task InitializeAsync() => Stack = await GatewayStack.StartAsync("gw");

    public async Task DisposeAsync()
    {
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }
    }
}

/// <summary>The gateway in front of all four real services: routing, auth at both layers, OpenAPI, health and tracing.</summary>
public sealed class ThroughTheGatewayTests(FullStackFixture fixture) : IClassFixture<FullStackFixture>
{
    public static TheoryData<string> Services => new(GatewayStack.AllServices);

    private GatewayStack Stack => fixture.Stack;

    [Theory]
    [MemberData(nameof(Services))]
    public async Task a_signed_in_request_reaches_each_service(string service)
    {
        using var client = Stack.Client(TestTokens.Create("neighbourhood"));

        using var response = await client.GetAsync(new Uri($"/api/{service}/areas", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var codes = body.RootElement.EnumerateArray().Select(a => a.GetProperty("code").GetString()).ToList();
        Assert.Contains("bulwell", codes);
        Assert.True(codes.Count > 10, $"Expected the seed areas, got {codes.Count}.");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task a_request_without_a_token_gets_401_problem_json(string service)
    {
        using var client = Stack.Client();

        using var response = await client.GetAsync(new Uri($"/api/{service}/areas", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("https://engagement.example/problems/unauthenticated", problem.Text("type"));
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task a_token_signed_with_another_key_gets_401_problem_json()
    {
        using var client = Stack.Client(TestTokens.Create("admin", key: new byte[48]));

        using var response = await client.GetAsync(new Uri("/api/plans/admin/subscriptions", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await Problem.ReadAsync(response);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task a_role_the_endpoint_does_not_allow_gets_403_problem_json(string service)
    {
        using var client = Stack.Client(TestTokens.Create("neighbourhood"));

        using var response = await client.GetAsync(new Uri($"/api/{service}/admin/subscriptions", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("https://engagement.example/problems/forbidden", problem.Text("type"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task an_admin_reads_the_subscriptions_of_each_service(string service)
    {
        using var client = Stack.Client(TestTokens.Create("admin"));

        using var response = await client.GetAsync(new Uri($"/api/{service}/admin/subscriptions", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("subscriptions").ValueKind);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task each_service_openapi_document_is_served_anonymously(string service)
    {
        using var client = Stack.Client();

        using var response = await client.GetAsync(new Uri($"/openapi/{service}.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", body.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = body.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains($"/api/{service}/areas", paths);
    }

    [Fact]
    public async Task the_health_aggregate_is_green_and_names_every_service()
    {
        using var client = Stack.Client();

        // Each service reports ready once its database answers and its bus has connected.
        var (status, body) = await TestInfrastructure.EventuallyAsync(
            async () =>
            {
                using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            },
            r => r.StatusCode == HttpStatusCode.OK,
            what: "the aggregate health to be green");

        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var services = json.RootElement.GetProperty("services");
        foreach (var service in GatewayStack.AllServices)
        {
            Assert.Equal("Healthy", services.GetProperty(service).GetString());
        }
    }

    [Fact]
    public async Task the_trace_context_sent_to_the_gateway_reaches_the_service()
    {
        var traceId = ActivityTraceId.CreateRandom();
        // The client adds no trace headers of its own, so the only trace context is the one this test sends.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = Stack.Gateway.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("neighbourhood"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/surgeries/no/such/route", UriKind.Relative));
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await client.SendAsync(request);

        // The gateway forwards anything under /api/surgeries/, so this 404 is the service's own problem body.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("https://engagement.example/problems/not-found", problem.Text("type"));
        Assert.Equal("/api/surgeries/no/such/route", problem.Text("instance"));
        Assert.Equal(traceId.ToString(), problem.Text("traceId"));
    }
}
