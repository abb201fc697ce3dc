using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Engagement.Surgeries.Benchmarks;

/// <summary>Where the running stack is, and the local signing key that `./engage` created.</summary>
public sealed record StackSettings(Uri Gateway, Uri Direct, string SigningKeyFile, string RepoRoot, string SurgeriesDb)
{
    public static StackSettings Discover(string? gateway, string? direct)
    {
        var root = Engagement.Testing.Repository.Root;
        return new StackSettings(
            new Uri(gateway ?? Environment.GetEnvironmentVariable("ENGAGE_BENCH_GATEWAY") ?? "http://127.0.0.1:8080"),
            new Uri(direct ?? Environment.GetEnvironmentVariable("ENGAGE_BENCH_SURGERIES") ?? "http://127.0.0.1:8101"),
            Environment.GetEnvironmentVariable("ENGAGE_SIGNING_KEY_FILE") ?? Path.Combine(root, ".engage", "signing-key"),
            root,
            Environment.GetEnvironmentVariable("ENGAGE_BENCH_SURGERIES_PG")
                ?? "Host=127.0.0.1;Port=5432;Database=engage_surgeries;Username=engage;Password=engage;Pooling=false");
    }
}

/// <summary>HS256 tokens shaped like `./engage token`'s, signed with the stack's key.</summary>
public sealed class Tokens(byte[] key)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = true };
    private readonly SigningCredentials _credentials = new(new SymmetricSecurityKey(key) { KeyId = "engage-local" }, SecurityAlgorithms.HmacSha256);

    public static Tokens FromKeyFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new StackNotRunningException($"The signing key {path} does not exist. Start the stack with ./engage up first.");
        }

        return new Tokens(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    /// <summary>Staff tokens say force-wide (area "*"): the benchmark schedules in whichever area it likes.</summary>
    public string Create(string role, string sub) => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", sub), new Claim("role", role), new Claim("area", "*")]),
        Issuer = "engage-local",
        Audience = "engagement",
        Expires = DateTime.UtcNow.AddHours(2),
        SigningCredentials = _credentials,
    });
}

public sealed class StackNotRunningException(string message) : Exception(message);

/// <summary>The few calls the benchmark makes besides the booking attempts themselves.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>One client per target: enough connections for every attempt in flight, no proxy, long timeout.</summary>
    public static HttpClient CreateClient(Uri baseAddress, int maxConnections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = maxConnections,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(120),
        DefaultRequestVersion = HttpVersion.Version11,
    };

    /// <summary>Fails with a clear message unless the gateway says every service is healthy and the service answers.</summary>
    public static async Task RequireRunningAsync(StackSettings stack)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var (name, url) in new[] { ("gateway", new Uri(stack.Gateway, "/health")), ("surgeries service", new Uri(stack.Direct, "/health/ready")) })
        {
            HttpResponseMessage response;
            try
            {
                response = await probe.GetAsync(url);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new StackNotRunningException($"The {name} is not answering at {url} ({e.Message}). Start the stack with ./engage up, then run this again.");
            }

            using (response)
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    throw new StackNotRunningException($"GET {url} answered {(int)response.StatusCode}: {body}. Check ./engage status.");
                }
            }
        }
    }

    /// <summary>Schedules a surgery 20–40 days ahead, hosted by an officer of its own, so that no two ever clash.</summary>
    public static async Task<Guid> ScheduleAsync(HttpClient client, string token, string title, int capacity)
    {
        var starts = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(20 + Random.Shared.Next(20)).AddHours(18), TimeSpan.Zero);
        var officer = $"bench-officer-{Guid.NewGuid():N}";
        var body = new JsonObject
        {
            ["areaCode"] = "bulwell",
            ["title"] = title,
            ["startsAt"] = starts.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["endsAt"] = starts.AddMinutes(90).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["venue"] = new JsonObject { ["name"] = "Bulwell Riverside", ["address"] = "Main Street, Bulwell", ["postcode"] = "NG6 9AB", ["accessible"] = true },
            ["capacity"] = capacity,
            ["hostOfficer"] = new JsonObject { ["id"] = officer, ["name"] = "PC Benchmark" },
            ["topics"] = new JsonArray(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/surgeries")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Scheduling a surgery answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!["id"]!.GetValue<Guid>();
    }

    public sealed record SurgeryState(int? Capacity, int? PlacesLeft, int Waitlisted, long Version);

    public static async Task<SurgeryState> GetAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/api/surgeries/{id}");
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /api/surgeries/{id} answered {(int)response.StatusCode}: {text}");
        }

        return JsonSerializer.Deserialize<SurgeryState>(text, Json)!;
    }
}
