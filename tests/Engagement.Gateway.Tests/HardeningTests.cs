using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Engagement.ServiceDefaults;
using Engagement.Testing;

namespace Engagement.Gateway.Tests;

/// <summary>
/// What an outsider tried through the gateway: public routes as the services declare them (GET and HEAD), error bodies
/// whatever the client accepts, bodies over the limit or badly framed, and requests Kestrel refuses outright.
/// </summary>
public sealed partial class HardeningTests(FullStackFixture fixture) : IClassFixture<FullStackFixture>
{
    private const string TypeBase = "https://engagement.example/problems/";

    private GatewayStack Stack => fixture.Stack;

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();

    /// <summary>A value for each route parameter: an area code where one is named, a new id otherwise.</summary>
    private static string Fill(string pattern) => Parameter().Replace(pattern, m => m.Value.Contains("code", StringComparison.Ordinal) ? "bulwell" : Guid.NewGuid().ToString());

    [Fact]
    public async Task every_anonymous_endpoint_answers_through_the_gateway_without_a_token()
    {
        var called = new List<string>();
        using var anonymous = Stack.Client();
        foreach (var service in GatewayStack.AllServices)
        {
            using var direct = new HttpClient { BaseAddress = Stack.ServiceAddress(service) };
            var declared = await direct.GetFromJsonAsync<AnonymousRouteList>(new Uri(AnonymousRoutes.Path, UriKind.Relative));
            foreach (var route in declared!.Routes)
            {
                foreach (var method in route.Methods ?? ["GET", "HEAD"])
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(Fill(route.Path), UriKind.Relative));
                    if (method is "POST" or "PUT" or "PATCH")
                    {
                        request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                    }

                    using var response = await anonymous.SendAsync(request);

                    var status = (int)response.StatusCode;
                    Assert.True(status is not 401 and not 403 and < 500, $"{method} {route.Path} without a token gave {status}");
                    if (method == "HEAD")
                    {
                        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
                    }
                    else if (status >= 400)
                    {
                        await Problem.ReadAsync(response);
                    }

                    called.Add($"{method} {route.Path}");
                }
            }
        }

        // The copies that disagreed: a series was public in the service and 401 at the gateway, HEAD was 401 everywhere.
        Assert.Contains("GET /api/surgeries/series/{seriesId:guid}", called);
        Assert.Contains("HEAD /api/surgeries/areas/{code}/calendar.ics", called);
        Assert.Contains("POST /api/messaging/unsubscribe", called);
    }

    [Fact]
    public async Task a_route_no_service_declares_anonymous_still_needs_a_token()
    {
        using var anonymous = Stack.Client();

        using var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri("/api/surgeries/my-bookings", UriKind.Relative)));
        using var post = await anonymous.PostAsync(new Uri("/api/surgeries", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, head.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
    }

    [Theory]
    [InlineData("/api/surgeries/areas", null, 401)]
    [InlineData("/api/surgeries/admin/subscriptions", "neighbourhood", 403)]
    [InlineData("/api/surgeries/no/such/route", "neighbourhood", 404)]
    [InlineData("/api/nothing-here", "neighbourhood", 404)]
    public async Task a_client_that_accepts_only_html_gets_problem_json_from_the_gateway_and_behind_it(string path, string? role, int status)
    {
        using var client = Stack.Client(role is null ? null : TestTokens.Create(role));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");

        using var response = await client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task a_body_declared_over_the_limit_is_413_naming_the_limit()
    {
        using var client = Stack.Client(TestTokens.Create("neighbourhood", areas: ["bulwell"]));
        using var body = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync(new Uri("/api/surgeries", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(TypeBase + "payload-too-large", problem.Text("type"));
        Assert.Equal(1024 * 1024, problem.GetProperty("limitBytes").GetInt64());
        Assert.Contains("1,048,576 bytes", problem.Text("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_streamed_upload_over_the_limit_is_answered_413()
    {
        using var client = Stack.Client(TestTokens.Create("neighbourhood", areas: ["bulwell"]));
        // No Content-Length: sent chunked, so the limit is only met while it streams.
        using var body = new StreamContent(new MemoryStream(new byte[10 * 1024 * 1024]));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/surgeries", UriKind.Relative)) { Content = body };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(1024 * 1024, problem.GetProperty("limitBytes").GetInt64());
    }

    [Fact]
    public async Task a_malformed_chunked_body_is_400_not_502()
    {
        var token = TestTokens.Create("neighbourhood", areas: ["bulwell"]);

        var responses = await RawHttp.SendAsync(Stack.Gateway.BaseAddress,
            $"POST /api/surgeries HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n" +
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n");

        var response = Assert.Single(responses);
        Assert.Equal(400, response.Status);
        Assert.StartsWith("application/problem+json", response.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_request_line_over_the_gateway_limit_is_414_problem_json()
    {
        var responses = await RawHttp.SendAsync(Stack.Gateway.BaseAddress, $"GET /api/surgeries?q={new string('a', 9000)} HTTP/1.1\r\nHost: x\r\n\r\n");

        var response = Assert.Single(responses);
        Assert.Equal(414, response.Status);
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
    }
}
