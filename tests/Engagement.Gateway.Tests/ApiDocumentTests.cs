using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engagement.Testing;

namespace Engagement.Gateway.Tests;

/// <summary>The four services' OpenAPI documents, read through the gateway as a client would.</summary>
public sealed class ApiDocumentsFixture : IAsyncLifetime
{
    public GatewayStack Stack { get; private set; } = null!;

    public IReadOnlyDictionary<string, JsonObject> Documents { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stack = await GatewayStack.StartAsync("gwdoc", new Dictionary<string, string?>
        {
            // The fuzz test sends a couple of thousand requests a minute with a handful of tokens.
            ["Gateway:RateLimit:PermitsPerSecond"] = "100000",
            ["Gateway:RateLimit:Burst"] = "100000",
        });
        Documents = await ReadDocumentsAsync(Stack);
    }

    public static async Task<IReadOnlyDictionary<string, JsonObject>> ReadDocumentsAsync(GatewayStack stack)
    {
        using var client = stack.Client();
        var documents = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var service in GatewayStack.AllServices)
        {
            var text = await client.GetStringAsync(new Uri($"/openapi/{service}.json", UriKind.Relative));
            documents[service] = JsonNode.Parse(text)!.AsObject();
        }

        return documents;
    }

    public async Task DisposeAsync()
    {
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }
    }
}

/// <summary>
/// The documents are complete (security, errors as problem+json, headers, operation ids and summaries, the gateway as
/// server) and pass Redocly's linter with no errors.
/// </summary>
public sealed class ApiDocumentTests(ApiDocumentsFixture fixture) : IClassFixture<ApiDocumentsFixture>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    public static TheoryData<string> Services => new(GatewayStack.AllServices);

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Where(m => Methods.Contains(m.Key)).Select(m => (p.Key, m.Key, m.Value!.AsObject())));

    [Fact]
    public async Task redocly_lints_the_four_documents_with_no_errors()
    {
        var redocly = Redocly.Find();
        // Kept beside the test's binaries, so a failure can be read in the documents themselves.
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "openapi"));
        var errors = new List<string>();
        foreach (var (service, document) in fixture.Documents)
        {
            var file = Path.Combine(folder.FullName, service + ".json");
            await File.WriteAllTextAsync(file, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

            var (exitCode, output, messages) = await Redocly.LintAsync(redocly, file);
            var report = JsonNode.Parse(output)!.AsObject();
            var found = report["problems"]!.AsArray()
                .Where(p => p!["severity"]!.GetValue<string>() == "error")
                .Select(p => $"{service}: {p!["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}")
                .ToList();
            errors.AddRange(found);
            Assert.True(found.Count > 0 || exitCode == 0, $"redocly lint {file} exited {exitCode}:\n{messages}");
            Assert.True(found.Count > 0 || report["totals"]!["errors"]!.GetValue<int>() == 0, $"{service}: {report["totals"]}");
        }

        Assert.True(errors.Count == 0, $"Redocly found {errors.Count} error(s):\n{string.Join('\n', errors)}");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void the_gateway_is_the_server_and_bearer_the_security_scheme(string service)
    {
        var document = fixture.Documents[service];

        Assert.Equal("http://127.0.0.1:8080", document["servers"]![0]!["url"]!.GetValue<string>());
        var bearer = document["components"]!["securitySchemes"]!["bearer"]!;
        Assert.Equal("http", bearer["type"]!.GetValue<string>());
        Assert.Equal("bearer", bearer["scheme"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task every_operation_has_an_id_a_summary_and_security_that_matches_its_openness(string service)
    {
        var document = fixture.Documents[service];
        var anonymous = await AnonymousRoutesAsync(service);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, method, operation) in Operations(document))
        {
            var what = $"{method.ToUpperInvariant()} {path}";
            var id = operation["operationId"]?.GetValue<string>();
            Assert.False(string.IsNullOrWhiteSpace(id), $"{what} has no operationId.");
            Assert.True(ids.Add(id!), $"{what}'s operationId {id} is not unique.");
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{what} has no summary.");

            var security = operation["security"]?.AsArray();
            Assert.NotNull(security);
            var isPublic = anonymous.Contains((path, method));
            Assert.True(isPublic ? security!.Count == 0 : security!.Count == 1 && security[0]!.AsObject().ContainsKey("bearer"),
                $"{what}: security {security!.ToJsonString()} does not match its openness (anonymous: {isPublic}).");
            Assert.True(isPublic || operation["responses"]!.AsObject().ContainsKey("401"), $"{what} needs a token but lists no 401.");
        }

        Assert.NotEmpty(ids);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void every_error_response_is_problem_json_with_a_problem_schema(string service)
    {
        var document = fixture.Documents[service];
        foreach (var (path, method, operation) in Operations(document))
        {
            foreach (var (status, response) in operation["responses"]!.AsObject().Where(r => r.Key.Length == 3 && r.Key[0] is '4' or '5'))
            {
                var content = response!["content"]?.AsObject();
                Assert.True(content is not null && content.Count == 1 && content.ContainsKey("application/problem+json"),
                    $"{method.ToUpperInvariant()} {path} {status}: content is {content?.ToJsonString() ?? "missing"}.");
                var reference = content!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>();
                Assert.Contains(reference, new[] { "#/components/schemas/ProblemDetails", "#/components/schemas/ValidationProblemDetails", "#/components/schemas/HttpValidationProblemDetails" });
            }
        }
    }

    [Fact]
    public void the_headers_each_endpoint_reads_are_parameters_with_the_answers_they_lead_to()
    {
        var surgeries = fixture.Documents["surgeries"];
        var change = surgeries["paths"]!["/api/surgeries/{id}"]!["patch"]!;
        var ifMatch = change["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "If-Match")!;
        Assert.Equal("header", ifMatch["in"]!.GetValue<string>());
        Assert.True(ifMatch["required"]!.GetValue<bool>());
        Assert.True(change["responses"]!.AsObject().ContainsKey("412"));
        Assert.True(change["responses"]!.AsObject().ContainsKey("428"));

        var schedule = surgeries["paths"]!["/api/surgeries"]!["post"]!;
        Assert.Contains(schedule["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key" && p["in"]!.GetValue<string>() == "header");

        var kin = fixture.Documents["messaging"]["paths"]!["/api/messaging/kin/{id}"]!["get"]!;
        Assert.Contains(kin["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "X-Access-Reason");
    }

    [Fact]
    public void the_errors_handlers_throw_beyond_the_derived_ones_are_documented()
    {
        static bool Lists(JsonObject document, string path, string method, string status) =>
            document["paths"]![path]![method]!["responses"]!.AsObject().ContainsKey(status);
        var messaging = fixture.Documents["messaging"];

        // Each was answered by the service and missing from its document, until the fuzz test sent it.
        Assert.True(Lists(messaging, "/api/messaging/subscriptions/me", "get", "404"));
        Assert.True(Lists(messaging, "/api/messaging/subscriptions/me/email/verification", "post", "404"));
        Assert.True(Lists(fixture.Documents["plans"], "/api/plans/{id}/publish", "post", "422"));
        Assert.True(Lists(messaging, "/api/messaging/alerts", "post", "422"));
        Assert.True(Lists(messaging, "/api/messaging/kin/{id}", "get", "410"));
    }

    [Fact]
    public void text_and_time_fields_have_their_json_types()
    {
        // InputRules' converters hid them from the schema generator, so every text field read as "anything".
        var request = fixture.Documents["surgeries"]["components"]!["schemas"]!["ScheduleSurgeryRequest"]!["properties"]!;
        Assert.Contains("string", request["title"]!["type"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("string", request["startsAt"]!["type"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("date-time", request["startsAt"]!["format"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_api_reference_is_served_anonymously_at_the_gateway_over_all_four_documents()
    {
        using var client = fixture.Stack.Client();

        using var response = await client.GetAsync(new Uri("/docs", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        foreach (var service in GatewayStack.AllServices)
        {
            Assert.True(html.Contains($"\"url\":\"openapi/{service}.json\"", StringComparison.Ordinal), $"openapi/{service}.json is not in the page: {html}");
        }

        // The page's script, served by the gateway too, without a token.
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"([^\"]+\\.js)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(script), $"No script in the page: {html}");
        using var js = await client.GetAsync(new Uri(new Uri(new Uri("http://gateway/docs/"), script).PathAndQuery, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
    }

    private async Task<HashSet<(string Path, string Method)>> AnonymousRoutesAsync(string service)
    {
        using var client = new HttpClient { BaseAddress = fixture.Stack.ServiceAddress(service) };
        var list = (await client.GetFromJsonAsync<JsonObject>(new Uri(ServiceDefaults.AnonymousRoutes.Path, UriKind.Relative)))!;
        var open = new HashSet<(string, string)>();
        foreach (var route in list["routes"]!.AsArray())
        {
            var path = System.Text.RegularExpressions.Regex.Replace(route!["path"]!.GetValue<string>(), ":[^}]+}", "}");
            foreach (var method in route["methods"]!.AsArray())
            {
                open.Add((path, method!.GetValue<string>().ToLowerInvariant()));
                open.Add((path + "/", method.GetValue<string>().ToLowerInvariant()));
            }
        }

        return open;
    }
}

/// <summary>Redocly's CLI, which <c>./engage test</c> installs into <c>.engage/tools/redocly</c>.</summary>
public static class Redocly
{
    public const string Folder = ".engage/tools/redocly";

    public static string Find()
    {
        var candidate = Path.Combine(Repository.Root, Folder, "node_modules", ".bin", "redocly");
        if (File.Exists(candidate))
        {
            return candidate;
        }

        Assert.Fail($"Redocly's CLI is not installed in {Folder}. `./engage test` installs it; by hand: " +
                    $"mkdir -p {Folder} && npm install --prefix {Folder} @redocly/cli@2.77.0");
        return "";
    }

    public static async Task<(int ExitCode, string Json, string Messages)> LintAsync(string redocly, string file)
    {
        var start = new ProcessStartInfo(redocly) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "lint", "--format=json", "--max-problems=1000", file })
        {
            start.ArgumentList.Add(a);
        }

        // No telemetry or update check: the test must not depend on anything beyond this machine.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
