using System.Net;
using System.Text;
using System.Text.Json;
using Engagement.MartenAdditions;
using Engagement.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Engagement.ServiceDefaults.Tests;

public sealed record NewThing(string Name, int Count);

public sealed class ProblemsApp : IAsyncLifetime
{
    /// <summary>Text that only the exception carries, so a body that leaks it is caught.</summary>
    public const string Secret = "connection string Password=hunter2 leaked";

    public const int MaxBodyBytes = 1024;

    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await TestApp.StartAsync(
        new Dictionary<string, string?> { ["Limits:MaxRequestBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        builder => builder.AddServiceDefaults("test"),
        app =>
        {
            app.UseServiceDefaults();
            app.MapPost("/things", (NewThing thing) => Results.Ok(thing)).AllowAnonymous();
            app.MapGet("/boom", IResult () => throw new InvalidOperationException(Secret)).AllowAnonymous();
            app.MapGet("/invalid", IResult () => throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                ["title"] = ["Title is required."],
                ["startsAt"] = ["Starts at must be in the future.", "Starts at must have an offset."],
            })).AllowAnonymous();
            app.MapGet("/missing", IResult () => throw new NotFoundException("Surgery", "s-42")).AllowAnonymous();
            app.MapGet("/clash", IResult () => throw new ConflictException("officer-clash", "The officer is already holding a surgery then.")).AllowAnonymous();
            app.MapGet("/stale", IResult () => throw new StaleVersionException("surgery-1", 3, 5)).AllowAnonymous();
            app.MapGet("/race", IResult () => throw new WriteConflictException("surgery-1", new InvalidOperationException("another writer"))).AllowAnonymous();
            app.MapGet("/staff-only", () => "ok");
            app.MapGet("/admin-only", () => "ok").RequireAuthorization(Roles.Admin);
        },
        // Development is where a stack trace would most likely leak, so the strictest place to check.
        environment: "Development");

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

/// <summary>Every error a client can get is RFC 9457 problem+json with a stable type; none leaks internals.</summary>
public sealed class ProblemDetailsTests(ProblemsApp fixture) : IClassFixture<ProblemsApp>
{
    private const string TypeBase = "https://engagement.example/problems/";

    private HttpClient Client(bool signedIn = true) => fixture.App.Client(signedIn ? TestTokens.Create("neighbourhood") : null);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task a_well_formed_body_binds()
    {
        using var client = Client();

        using var response = await client.PostAsync(new Uri("/things", UriKind.Relative), Json("""{"name":"bench","count":3}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("bench", body.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task malformed_json_is_400_problem_json_that_says_where()
    {
        using var client = Client();

        using var response = await client.PostAsync(new Uri("/things", UriKind.Relative), Json("""{"name":"bench","count": }"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(TypeBase + "bad-request", problem.Text("type"));
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains("not valid JSON", problem.Text("detail"), StringComparison.Ordinal);
        Assert.Contains("$.count", problem.Text("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_field_of_the_wrong_type_is_400_not_500()
    {
        using var client = Client();

        using var response = await client.PostAsync(new Uri("/things", UriKind.Relative), Json("""{"name":"bench","count":"lots"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(TypeBase + "bad-request", problem.Text("type"));
        Assert.Contains("$.count", problem.Text("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unknown_route_is_404_problem_json()
    {
        using var client = Client();

        using var response = await client.GetAsync(new Uri("/no/such/thing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(TypeBase + "not-found", problem.Text("type"));
        Assert.Equal("/no/such/thing", problem.Text("instance"));
    }

    [Fact]
    public async Task an_unknown_route_without_a_token_is_401_because_the_fallback_policy_is_closed()
    {
        using var client = Client(signedIn: false);

        using var response = await client.GetAsync(new Uri("/no/such/thing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(TypeBase + "unauthenticated", problem.Text("type"));
    }

    [Fact]
    public async Task an_endpoint_that_says_nothing_about_auth_needs_a_token()
    {
        using var anonymous = Client(signedIn: false);
        using var signedIn = Client();

        using var refused = await anonymous.GetAsync(new Uri("/staff-only", UriKind.Relative));
        using var allowed = await signedIn.GetAsync(new Uri("/staff-only", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await Problem.ReadAsync(refused);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task the_wrong_method_is_405_problem_json()
    {
        using var client = Client();

        using var response = await client.DeleteAsync(new Uri("/things", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(TypeBase + "method-not-allowed", problem.Text("type"));
    }

    [Fact]
    public async Task an_oversized_body_is_413_problem_json()
    {
        using var client = Client();
        var big = $$"""{"name":"{{new string('x', ProblemsApp.MaxBodyBytes * 4)}}","count":1}""";

        using var response = await client.PostAsync(new Uri("/things", UriKind.Relative), Json(big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(TypeBase + "payload-too-large", problem.Text("type"));
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task an_unhandled_exception_is_500_with_a_trace_id_and_nothing_internal()
    {
        using var client = Client();

        using var response = await client.GetAsync(new Uri("/boom", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        var raw = problem.GetRawText();
        Assert.Equal(TypeBase + "server-error", problem.Text("type"));
        Assert.Matches("^[0-9a-f]{32}$", problem.Text("traceId"));
        Assert.DoesNotContain("hunter2", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), raw, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", raw, StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("exception", out _), raw);
        Assert.False(problem.TryGetProperty("stackTrace", out _), raw);
    }

    [Fact]
    public async Task a_validation_failure_is_400_with_the_errors_of_each_field()
    {
        using var client = Client();

        using var response = await client.GetAsync(new Uri("/invalid", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(TypeBase + "validation", problem.Text("type"));
        var errors = problem.GetProperty("errors");
        Assert.Equal(["Title is required."], errors.GetProperty("title").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, errors.GetProperty("startsAt").GetArrayLength());
        Assert.Matches("^[0-9a-f]{32}$", problem.Text("traceId"));
    }

    [Theory]
    [InlineData("/missing", 404, "not-found")]
    [InlineData("/clash", 409, "officer-clash")]
    [InlineData("/stale", 412, "stale-version")]
    [InlineData("/race", 409, "concurrent-change")]
    public async Task domain_errors_map_to_their_status_and_stable_type(string path, int status, string type)
    {
        using var client = Client();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(TypeBase + type, problem.Text("type"));
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.Text("title")));
        Assert.Equal(path, problem.Text("instance"));
    }

    [Theory]
    [InlineData("GET", "/no/such/thing", "neighbourhood", 404)]
    [InlineData("GET", "/missing", "neighbourhood", 404)]
    [InlineData("GET", "/staff-only", null, 401)]
    [InlineData("GET", "/admin-only", "neighbourhood", 403)]
    [InlineData("POST", "/things", "neighbourhood", 400)]
    [InlineData("DELETE", "/things", "neighbourhood", 405)]
    [InlineData("GET", "/boom", "neighbourhood", 500)]
    public async Task a_client_that_accepts_only_html_still_gets_problem_json(string method, string path, string? role, int status)
    {
        using var client = fixture.App.Client(role is null ? null : TestTokens.Create(role));
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        request.Headers.Accept.ParseAdd("text/html");
        if (method == "POST")
        {
            request.Content = Json("""{"name":""");
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.StartsWith(TypeBase, problem.Text("type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_stale_if_match_says_which_version_it_is_at_now()
    {
        using var client = Client();

        using var response = await client.GetAsync(new Uri("/stale", UriKind.Relative));

        var problem = await Problem.ReadAsync(response);
        Assert.Contains("version 3", problem.Text("detail"), StringComparison.Ordinal);
        Assert.Contains("version 5", problem.Text("detail"), StringComparison.Ordinal);
    }
}
