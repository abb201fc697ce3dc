using System.Text.Json;
using Engagement.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Engagement.ServiceDefaults.Tests;

public sealed class RejectionsApp : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await TestApp.StartAsync(
        new Dictionary<string, string?>(),
        builder => builder.AddServiceDefaults("test"),
        app =>
        {
            app.UseServiceDefaults();
            app.MapGet("/hello", () => "hello").AllowAnonymous();
        });

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

/// <summary>Requests Kestrel itself refuses, before any middleware runs, still get a problem+json body naming the limit.</summary>
public sealed class KestrelRejectionTests(RejectionsApp fixture) : IClassFixture<RejectionsApp>
{
    private const string TypeBase = "https://engagement.example/problems/";

    public static TheoryData<string, string, int> Refused => new()
    {
        { "a request line over the limit", $"GET /{new string('a', 9000)} HTTP/1.1\r\nHost: x\r\n\r\n", 414 },
        { "headers over the limit", $"GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: {new string('b', 40_000)}\r\n\r\n", 431 },
        { "too many headers", "GET /hello HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 120).Select(i => $"X-H{i}: v\r\n")) + "\r\n", 431 },
        { "a NUL in a header", "GET /hello HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 400 },
        { "a CR in a header", "GET /hello HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400 },
        { "%00 in the path", "GET /hel%00lo HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
        { "two Content-Lengths", "POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400 },
        { "a header that is not ASCII", "GET /hello HTTP/1.1\r\nHost: x\r\nX-A: caf\u00e9\r\n\r\n", 400 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task a_request_kestrel_refuses_gets_problem_json(string what, string request, int status)
    {
        var responses = await RawHttp.SendAsync(fixture.App.BaseAddress, request);

        var response = Assert.Single(responses);
        Assert.True(status == response.Status, $"{what}: expected {status}, got {response.Status}");
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.StartsWith(TypeBase, problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task the_refusal_names_the_limit()
    {
        var responses = await RawHttp.SendAsync(fixture.App.BaseAddress, $"GET /{new string('a', 9000)} HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Contains("8,192 bytes", Assert.Single(responses).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_application_answers_on_the_same_connection_are_left_as_they_are()
    {
        // A good request and an application 401 on one connection, then one Kestrel refuses.
        var responses = await RawHttp.SendAsync(fixture.App.BaseAddress,
            "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n" +
            "GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n" +
            "GET /a%00 HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal([200, 401, 400], responses.Select(r => r.Status));
        Assert.Equal("hello", responses[0].Body);
        Assert.StartsWith("application/problem+json", responses[1].Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", responses[2].Header("Content-Type"));
    }
}
