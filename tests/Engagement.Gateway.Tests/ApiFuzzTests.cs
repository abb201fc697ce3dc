using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.Testing;

namespace Engagement.Gateway.Tests;

/// <summary>
/// Requests generated from the four OpenAPI documents (valid and broken bodies, parameters and headers, with a fixed
/// seed), sent through the gateway with a token of each role, none, and a forged one. No answer may be a 5xx, every
/// error must be problem+json, and every status must be one the document lists for that operation.
/// </summary>
public sealed class ApiFuzzTests(ApiDocumentsFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ApiDocumentsFixture>
{
    // Fixed, so a failure can be repeated; ENGAGE_FUZZ_SEED and ENGAGE_FUZZ_REQUESTS explore further by hand.
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("ENGAGE_FUZZ_SEED"), out var s) ? s : 11;
    private static readonly int MaxRequests = int.TryParse(Environment.GetEnvironmentVariable("ENGAGE_FUZZ_REQUESTS"), out var n) ? n : 2000;
    private const int Workers = 4;
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task generated_requests_get_only_documented_statuses_never_a_5xx_and_every_error_is_problem_json()
    {
        var operations = fixture.Documents.SelectMany(d => ApiOperation.All(d.Value)).ToList();
        Assert.True(operations.Count > 50, $"Only {operations.Count} operations were found in the documents.");
        var known = new KnownValues();
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        var debug = new Dictionary<string, string>(StringComparer.Ordinal);
        var sent = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        using var client = fixture.Stack.Client();

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async worker =>
        {
            var random = new Random(Seed * 100 + worker);
            var generator = new RequestGenerator(random, known);
            while (clock.Elapsed < TimeBudget && Interlocked.Increment(ref sent) <= MaxRequests)
            {
                var operation = operations[random.Next(operations.Count)];
                using var request = generator.Create(operation);
                var description = $"{request.Method} {request.RequestUri} [{generator.LastNote}]";
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request);
                }
                catch (HttpRequestException e)
                {
                    Record(failures, $"{operation.Name}: no answer ({e.Message})", description);
                    continue;
                }

                using (response)
                {
                    var status = (int)response.StatusCode;
                    statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                    var body = await response.Content.ReadAsStringAsync();
                    var media = response.Content.Headers.ContentType?.MediaType;
                    if (status >= 500)
                    {
                        Record(failures, $"{operation.Name}: {status}", $"{description} -> {Clip(body)}");
                    }
                    else if (status >= 400 && media != "application/problem+json")
                    {
                        Record(failures, $"{operation.Name}: {status} as {media ?? "no content type"}", $"{description} -> {Clip(body)}");
                    }

                    // A path whose parameter breaks the route's own constraint (an id that is no Guid) is not a request
                    // for this operation at all: the gateway closes unknown routes (401) and a service answers 404.
                    if (!operation.Lists(status) && !generator.BrokePathParameter)
                    {
                        Record(failures, $"{operation.Name}: {status} is not documented", $"{description} -> {Clip(body)}");
                    }

                    if (status is >= 200 and < 300)
                    {
                        known.Learn(body, response.Headers.ETag?.Tag);
                    }

                    // ENGAGE_FUZZ_DEBUG lists why requests meant to be valid were refused, to make the generator reach deeper.
                    if (status == 400 && generator.LastNote.Length == 0 && Environment.GetEnvironmentVariable("ENGAGE_FUZZ_DEBUG") is not null)
                    {
                        Record(debug, operation.Name, Clip(body));
                    }

                    if (status is not (401 or 403))
                    {
                        known.Admitted(operation.Name, generator.LastToken);
                    }
                }
            }
        }));

        var total = Math.Min(sent, MaxRequests);
        foreach (var (k, v) in debug)
        {
            output.WriteLine($"valid-looking request refused: {k}: {v}");
        }

        output.WriteLine($"{total} requests in {clock.Elapsed.TotalSeconds:F1} s; statuses: " +
                         string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(total >= 200, $"Only {total} requests were sent in {TimeBudget.TotalSeconds} s: too few to say anything.");
        Assert.True(failures.Count == 0,
            $"{failures.Count} kind(s) of failure in {total} requests (seed {Seed}):\n" + string.Join("\n", failures.Select(f => $"- {f.Key}\n    e.g. {f.Value}")));
    }

    private static void Record(Dictionary<string, string> failures, string kind, string example)
    {
        lock (failures)
        {
            failures.TryAdd(kind, example);
        }
    }

    private static string Clip(string text) => text.Length <= 400 ? text : text[..400] + "...";
}

/// <summary>One operation of a document, with what its schemas say, resolved against the document's components.</summary>
public sealed class ApiOperation
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    public required string Service { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required IReadOnlyList<JsonObject> Parameters { get; init; }

    public string? BodyMediaType { get; init; }

    public JsonNode? BodySchema { get; init; }

    public required IReadOnlySet<string> Responses { get; init; }

    public required JsonObject Document { get; init; }

    public string Name => $"{Method.ToUpperInvariant()} {Path}";

    public bool Lists(int status)
    {
        var code = status.ToString(CultureInfo.InvariantCulture);
        return Responses.Contains(code) || Responses.Contains($"{code[0]}XX") || Responses.Contains("default");
    }

    public static IEnumerable<ApiOperation> All(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, node) in item!.AsObject().Where(m => Methods.Contains(m.Key)))
            {
                var operation = node!.AsObject();
                var content = operation["requestBody"]?["content"]?.AsObject();
                var body = content?.FirstOrDefault();
                yield return new ApiOperation
                {
                    Service = path.Split('/')[2],
                    Method = method,
                    Path = path,
                    Parameters = operation["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [],
                    BodyMediaType = body?.Key,
                    BodySchema = body?.Value?["schema"],
                    Responses = operation["responses"]!.AsObject().Select(r => r.Key).ToHashSet(StringComparer.Ordinal),
                    Document = document,
                };
            }
        }
    }

    /// <summary>The schema a <c>$ref</c> names, or the schema itself.</summary>
    public JsonObject Resolve(JsonNode? schema)
    {
        for (var i = 0; i < 10 && schema?["$ref"] is JsonValue reference; i++)
        {
            var name = reference.GetValue<string>().Split('/')[^1];
            schema = Document["components"]?["schemas"]?[name];
        }

        return schema as JsonObject ?? [];
    }
}

/// <summary>Ids and ETags the API has answered with, so that generated requests also reach things that exist.</summary>
public sealed class KnownValues
{
    private readonly List<string> _ids = [];
    private readonly List<string> _etags = [];
    private readonly Dictionary<string, HashSet<int>> _admitted = new(StringComparer.Ordinal);

    /// <summary>Remembers that a token was let through to an operation, so later requests reach past authorization more often.</summary>
    public void Admitted(string operation, int token)
    {
        lock (_admitted)
        {
            if (!_admitted.TryGetValue(operation, out var tokens))
            {
                _admitted[operation] = tokens = [];
            }

            tokens.Add(token);
        }
    }

    /// <summary>A token once let through to the operation, or null when none has been yet.</summary>
    public int? AdmittedToken(string operation, Random random)
    {
        lock (_admitted)
        {
            return _admitted.TryGetValue(operation, out var tokens) && tokens.Count > 0 ? tokens.ElementAt(random.Next(tokens.Count)) : null;
        }
    }

    public void Learn(string body, string? etag)
    {
        lock (_ids)
        {
            if (etag is not null && _etags.Count < 200)
            {
                _etags.Add(etag);
            }

            if (body.Length is 0 or > 200_000 || body[0] != '{')
            {
                return;
            }

            try
            {
                foreach (var key in new[] { "id", "bookingId", "alertId", "replyId", "objectiveId", "seriesId" })
                {
                    if (JsonNode.Parse(body)?[key] is JsonValue v && v.TryGetValue<string>(out var id) && Guid.TryParse(id, out _) && _ids.Count < 500)
                    {
                        _ids.Add(id);
                    }
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON after all: nothing to learn.
            }
        }
    }

    public string? Id(Random random)
    {
        lock (_ids)
        {
            return _ids.Count == 0 ? null : _ids[random.Next(_ids.Count)];
        }
    }

    public string? ETag(Random random)
    {
        lock (_ids)
        {
            return _etags.Count == 0 ? null : _etags[random.Next(_etags.Count)];
        }
    }
}

/// <summary>Builds one request for an operation: mostly valid, often broken in one place, each part chosen by the seed.</summary>
public sealed class RequestGenerator(Random random, KnownValues known)
{
    private const string LoneSurrogate = "\u0001LONE\u0001";
    private static readonly string[] Areas = ["bulwell", "bulwell", "hyson-green-arboretum", "basford", "berridge", "nowhere"];
    private static readonly string[] Words = ["burglary", "parking", "speeding", "anti-social behaviour", "Café on Main Street", "Bulwell Library", "surgeries", "NG6 8AA", "resident@example.org", "+447700900123", "07700900123", "cy", "en"];

    private static readonly Func<string>[] Tokens =
    [
        () => TestTokens.Create("neighbourhood", sub: "fuzz-officer", areas: ["bulwell"]),
        () => TestTokens.Create("neighbourhood", sub: "fuzz-officer-no-area"),
        () => TestTokens.Create("communications", sub: "fuzz-comms", areas: ["*"]),
        () => TestTokens.Create("analyst", sub: "fuzz-analyst", areas: ["bulwell"]),
        () => TestTokens.Create("resident", sub: "fuzz-resident-1"),
        () => TestTokens.Create("resident", sub: "fuzz-resident-2"),
        () => TestTokens.Create("admin", sub: "fuzz-admin"),
        () => TestTokens.Create("admin", sub: "fuzz-admin", key: new byte[48]),
    ];

    private readonly string?[] _tokens = [.. Tokens.Select(t => t()), null];

    /// <summary>What was broken on purpose in the last request, for the failure report.</summary>
    public string LastNote { get; private set; } = "";

    /// <summary>Which of the tokens (an index; the last is none) the last request carried.</summary>
    public int LastToken { get; private set; }

    /// <summary>Whether the last request's path had a parameter broken on purpose.</summary>
    public bool BrokePathParameter { get; private set; }

    private bool Chance(int percent) => random.Next(100) < percent;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public HttpRequestMessage Create(ApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var notes = new List<string>();
        BrokePathParameter = false;
        var path = operation.Path;
        var query = new List<string>();
        var headers = new List<(string, string)>();
        foreach (var parameter in operation.Parameters)
        {
            var name = parameter["name"]!.GetValue<string>();
            var where = parameter["in"]!.GetValue<string>();
            var required = parameter["required"]?.GetValue<bool>() == true;
            if (!required && Chance(40))
            {
                continue;
            }

            var broken = Chance(15);
            var value = broken ? BrokenScalar(operation.Resolve(parameter["schema"])) : Scalar(name, operation.Resolve(parameter["schema"]));
            if (broken)
            {
                notes.Add($"{name}={Show(value)}");
            }

            switch (where)
            {
                case "path":
                    BrokePathParameter |= broken;
                    path = path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
                    break;
                case "query":
                    query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
                    break;
                case "header":
                    headers.Add((name, HeaderValue(name, broken)));
                    break;
            }
        }

        if (Chance(5))
        {
            query.Add("unexpected=%00");
            notes.Add("unexpected=%00");
        }

        var uri = path + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        var request = new HttpRequestMessage(new HttpMethod(operation.Method.ToUpperInvariant()), new Uri(uri, UriKind.Relative));
        // Two in three requests reuse a token that got past authorization before, so more reach the handlers.
        LastToken = Chance(67) && known.AdmittedToken(operation.Name, random) is { } admitted ? admitted : random.Next(_tokens.Length);
        var token = _tokens[LastToken];
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (Chance(10))
        {
            request.Headers.TryAddWithoutValidation("Accept", Pick(new[] { "text/html", "application/xml", "*/*" }));
        }

        if (operation.BodyMediaType is not null || Chance(3))
        {
            request.Content = Body(operation, notes);
        }

        LastNote = string.Join(", ", notes);
        return request;
    }

    private HttpContent Body(ApiOperation operation, List<string> notes)
    {
        var media = operation.BodyMediaType ?? "application/json";
        if (media == "text/csv")
        {
            var csv = Chance(50)
                ? "respondent_area,issue_category,free_text,date\nbulwell,parking,Cars on the pavement,2026-05-01\n"
                : Pick(new[] { "", "a,b\n1", "respondent_area,issue_category,free_text,date\nbulwell,\u0000,x,9999-99-99\n" });
            return new StringContent(csv, Encoding.UTF8, "text/csv");
        }

        var roll = random.Next(100);
        string text;
        if (roll < 4)
        {
            text = Pick(new[] { "", "{", "[]", "null", "{\"a\":", "\"text\"", "42" });
            notes.Add($"body {Show(text)}");
        }
        else
        {
            var node = Value(operation, operation.BodySchema, depth: 0);
            if (roll < 50 && node is not null)
            {
                node = Break(operation, node, notes);
            }

            text = (node?.ToJsonString() ?? "null").Replace($"\"{JsonEscaped(LoneSurrogate)}\"", "\"\\ud800x\"", StringComparison.Ordinal);
        }

        if (Chance(3))
        {
            notes.Add("content type text/plain");
            return new StringContent(text, Encoding.UTF8, "text/plain");
        }

        return new StringContent(text, Encoding.UTF8, "application/json");
    }

    private static string JsonEscaped(string s) => JsonValue.Create(s).ToJsonString().Trim('"');

    /// <summary>A value the schema allows, built from plausible words, areas, times and known ids.</summary>
    private JsonNode? Value(ApiOperation operation, JsonNode? schemaNode, int depth, string? name = null)
    {
        var schema = operation.Resolve(schemaNode);
        if (schema["oneOf"] is JsonArray oneOf)
        {
            var choices = oneOf.Where(c => c?["type"]?.ToString() != "null").ToList();
            return choices.Count == 0 ? null : Value(operation, choices[random.Next(choices.Count)], depth, name);
        }

        if (schema["enum"] is JsonArray values && values.Count > 0)
        {
            return values[random.Next(values.Count)]?.DeepClone();
        }

        var type = Type(schema);
        switch (type)
        {
            case "object":
                var result = new JsonObject();
                if (depth > 4)
                {
                    return result;
                }

                var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
                foreach (var (property, propertySchema) in schema["properties"]?.AsObject() ?? [])
                {
                    if (required.Contains(property) || Chance(60))
                    {
                        result[property] = Value(operation, propertySchema, depth + 1, property);
                    }
                }

                return result;
            case "array":
                var array = new JsonArray();
                for (var i = random.Next(depth > 3 ? 1 : 4); i > 0; i--)
                {
                    array.Add(Value(operation, schema["items"], depth + 1, name));
                }

                return array;
            case "integer":
                return JsonValue.Create(random.Next(0, 30));
            case "number":
                return JsonValue.Create(Math.Round(random.NextDouble() * 10, 2));
            case "boolean":
                return JsonValue.Create(Chance(50));
            default:
                return JsonValue.Create(Scalar(name ?? "", schema));
        }
    }

    private static string? Type(JsonObject schema) => schema["type"] switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray a => a.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null" && t != "string") ?? a.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => schema["properties"] is not null ? "object" : null,
    };

    /// <summary>A plausible text for a parameter or a string field, by its format and name.</summary>
    private string Scalar(string name, JsonObject schema)
    {
        var format = schema["format"]?.GetValue<string>();
        var type = Type(schema);
        var lower = name.ToLowerInvariant();
        if (format == "uuid")
        {
            return Chance(60) && known.Id(random) is { } id ? id : Guid.NewGuid().ToString();
        }

        if (format == "date")
        {
            return DateOnly.FromDateTime(DateTime.UtcNow.AddDays(random.Next(-60, 90))).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        // Mostly ahead (what is scheduled lies ahead), sometimes behind (what is reported lies behind).
        var textual = type is null or "string" && format is null;
        if (format == "date-time" || textual && (lower is "from" or "to" or "asof" || lower.EndsWith("at", StringComparison.Ordinal) || lower.EndsWith("date", StringComparison.Ordinal)))
        {
            var days = Chance(75) ? random.Next(1, 60) : -random.Next(1, 60);
            return DateTimeOffset.UtcNow.Date.AddDays(days).AddHours(random.Next(9, 18)).ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
        }

        if (type is "integer" or "number")
        {
            return random.Next(0, 60).ToString(CultureInfo.InvariantCulture);
        }

        if (type == "boolean")
        {
            return Chance(50) ? "true" : "false";
        }

        if (lower.Contains("area", StringComparison.Ordinal) || lower == "code")
        {
            return Pick(Areas);
        }

        return Pick(Words);
    }

    /// <summary>A parameter value that is wrong: control characters, a lone surrogate, a far date, a wrong type, a huge text.</summary>
    private string BrokenScalar(JsonObject schema) => random.Next(8) switch
    {
        0 => "a\u0000b",
        1 => "line\u0007bell",
        2 => "9999-12-31T23:59:59Z",
        3 => "0001-01-01T00:00:00Z",
        4 => "not-a-" + (Type(schema) ?? "value"),
        5 => new string('x', 3000),
        6 => "-1",
        _ => "99999999999999999999",
    };

    private string HeaderValue(string name, bool broken) => name switch
    {
        "If-Match" => broken ? Pick(new[] { "abc", "\"0\"", "\"-3\"", "W/", "\"99999999999999999999\"" }) : known.ETag(random) ?? Pick(new[] { "\"1\"", "W/\"2\"", "\"5\"" }),
        "Idempotency-Key" => broken ? new string('k', 300) : Guid.NewGuid().ToString("N"),
        "X-Access-Reason" => broken ? Pick(new[] { "", "x", new string('r', 3000) }) : "Checking contact details before a community meeting",
        _ => broken ? "\u00e9t\u00e9" : "value",
    };

    /// <summary>Breaks one place in a valid body: a control character, a lone surrogate, a far date, a wrong type or a missing field.</summary>
    private JsonNode Break(ApiOperation operation, JsonNode node, List<string> notes)
    {
        var leaves = new List<(JsonNode? Parent, string? Key, int Index)>();
        Collect(node, leaves);
        if (leaves.Count == 0)
        {
            notes.Add("body replaced by an array");
            return new JsonArray(node.DeepClone());
        }

        var (parent, key, index) = leaves[random.Next(leaves.Count)];
        var (replacement, note) = random.Next(9) switch
        {
            0 => ((JsonNode?)JsonValue.Create("nul\u0000here"), "NUL"),
            1 => (JsonValue.Create(LoneSurrogate), "lone surrogate"),
            2 => (JsonValue.Create("9999-12-31T23:59:59Z"), "year 9999"),
            3 => (JsonValue.Create(12345), "a number"),
            4 => (JsonValue.Create("text"), "a string"),
            5 => (new JsonObject { ["x"] = 1 }, "an object"),
            6 => (JsonValue.Create(new string('y', 100_000)), "100,000 characters"),
            7 => (JsonValue.Create(-99999999999L), "a large negative number"),
            _ => (null, "null"),
        };
        var remove = Chance(15);
        if (parent is JsonObject o && key is not null)
        {
            if (remove)
            {
                o.Remove(key);
                notes.Add($"{key} removed");
            }
            else
            {
                o[key] = replacement;
                notes.Add($"{key}: {note}");
            }
        }
        else if (parent is JsonArray a)
        {
            a[index] = replacement;
            notes.Add($"[{index}]: {note}");
        }

        return node;
    }

    private static void Collect(JsonNode? node, List<(JsonNode? Parent, string? Key, int Index)> leaves)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    leaves.Add((o, k, -1));
                    Collect(v, leaves);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    leaves.Add((a, null, i));
                    Collect(a[i], leaves);
                }

                break;
        }
    }

    private static string Show(string value) =>
        value.Length > 40 ? $"{value.Length} chars" : value.Replace("\u0000", "\\0", StringComparison.Ordinal).Replace("\u0007", "\\a", StringComparison.Ordinal);
}
