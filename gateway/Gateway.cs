using System.Net;
using System.Threading.RateLimiting;
using Engagement.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Engagement.Gateway;

/// <summary>
/// The one public entry point: validates the JWT (services check it again), rate-limits per client, routes
/// <c>/api/&lt;service&gt;/...</c> to the four services, and turns a service that is down into a problem+json naming it.
/// </summary>
public static class Gateway
{
    /// <summary>YARP's reserved policy name for routes that allow anonymous callers.</summary>
    public const string Anonymous = "anonymous";

    public static void AddGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Routes, limits and timeouts are read when first resolved, so hosts and tests can still override configuration.
        builder.Services.AddReverseProxy();
        builder.Services.AddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            return new InMemoryConfigProvider(Routes(configuration, new Dictionary<string, IReadOnlyList<AnonymousRoute>>()), Clusters(configuration));
        });
        builder.Services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<InMemoryConfigProvider>());
        builder.Services.AddHttpClient(AnonymousRouteDiscovery.Client, c => c.Timeout = TimeSpan.FromSeconds(2));
        builder.Services.AddHostedService<AnonymousRouteDiscovery>();
        builder.Services.AddSingleton<IForwarderHttpClientFactory>(sp =>
            new ConnectTimeoutHttpClientFactory(TimeSpan.FromSeconds(sp.GetRequiredService<IConfiguration>().GetValue("Gateway:ConnectTimeoutSeconds", 3))));
        builder.Services.AddHttpClient("health", c => c.Timeout = TimeSpan.FromSeconds(2));
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>(ConfigureRateLimiting);
        // Without a default scheme the authentication middleware reads no token at all (see ValidatesTokens).
        builder.Services.AddOptions<AuthenticationOptions>().PostConfigure<IConfiguration>((o, configuration) =>
        {
            if (!ValidatesTokens(configuration))
            {
                o.DefaultScheme = null;
                o.DefaultAuthenticateScheme = null;
            }
        });
    }

    /// <summary>
    /// <c>Gateway:ValidateTokens</c> (true): whether the gateway checks the JWT before forwarding. Only the gateway
    /// benchmark turns it off, to measure what the check costs; the services check every token again either way.
    /// </summary>
    internal static bool ValidatesTokens(IConfiguration configuration) => configuration.GetValue("Gateway:ValidateTokens", true);

    /// <summary><c>Gateway:RateLimit:Enabled</c> (true): the per-client rate limit; off only to measure its cost.</summary>
    internal static bool LimitsRate(IConfiguration configuration) => configuration.GetValue("Gateway:RateLimit:Enabled", true);

    /// <summary>The cluster of the web console, which the gateway serves at <c>/</c> (<c>Gateway:Web</c>).</summary>
    public const string Web = "web";

    /// <summary>Paths that belong to the gateway and the services, never to the console, even where nothing answers them.</summary>
    internal static readonly string[] ReservedPrefixes = ["/api", "/health", "/.well-known"];

    internal static List<ClusterConfig> Clusters(IConfiguration configuration)
    {
        var requestTimeout = TimeSpan.FromSeconds(configuration.GetValue("Gateway:RequestTimeoutSeconds", 30));
        var destinations = Services(configuration).Select(s => (Id: s.Key.ToLowerInvariant(), Address: s.Value)).ToList();
        if (WebAddress(configuration) is { } web)
        {
            destinations.Add((Web, web));
        }

        return destinations.Select(d => new ClusterConfig
        {
            ClusterId = d.Id,
            Destinations = new Dictionary<string, DestinationConfig> { ["primary"] = new() { Address = d.Address } },
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = requestTimeout },
        }).ToList();
    }

    private static string? WebAddress(IConfiguration configuration) =>
        configuration["Gateway:Web"] is { Length: > 0 } web ? web : null;

    /// <summary>
    /// Every route under <c>/api/&lt;service&gt;/</c> needs a token, except those the service declares anonymous where
    /// it maps them: <paramref name="anonymous"/> is what each service said (AnonymousRouteDiscovery). The service
    /// still applies its own rules to them.
    /// </summary>
    internal static List<RouteConfig> Routes(IConfiguration configuration, IReadOnlyDictionary<string, IReadOnlyList<AnonymousRoute>> anonymous)
    {
        var signedIn = ValidatesTokens(configuration) ? Auth.AnyRole : Anonymous;
        var routes = new List<RouteConfig>();
        foreach (var cluster in Services(configuration).Keys.Select(k => k.ToLowerInvariant()))
        {
            routes.Add(new RouteConfig
            {
                RouteId = cluster,
                ClusterId = cluster,
                Match = new RouteMatch { Path = $"/api/{cluster}/{{**rest}}" },
                AuthorizationPolicy = signedIn,
            });
            routes.Add(new RouteConfig
            {
                RouteId = cluster + "-openapi",
                ClusterId = cluster,
                Match = new RouteMatch { Path = $"/openapi/{cluster}.json", Methods = ["GET", "HEAD"] },
                AuthorizationPolicy = Anonymous,
                Transforms = [new Dictionary<string, string> { ["PathSet"] = "/openapi/v1.json" }],
            });

            // Routes that take large uploads (a census import) get their own body limit; every other route keeps the
            // default, so raising one never raises them all.
            var large = configuration.GetSection("Gateway:LargeBodyRoutes").GetChildren()
                .Where(r => r["Path"] is { } p && p.StartsWith($"/api/{cluster}/", StringComparison.Ordinal)).ToList();
            for (var i = 0; i < large.Count; i++)
            {
                routes.Add(new RouteConfig
                {
                    RouteId = $"{cluster}-large-body-{i}",
                    ClusterId = cluster,
                    Order = -1,
                    Match = new RouteMatch { Path = large[i]["Path"], Methods = large[i].GetSection("Methods").Get<string[]>() },
                    AuthorizationPolicy = signedIn,
                    MaxRequestBodySize = large[i].GetValue<long>("MaxBytes"),
                });
            }

            // A service opens its own routes only, never another's.
            var prefix = $"/api/{cluster}";
            var open = (anonymous.TryGetValue(cluster, out var list) ? list : [])
                .Where(r => r.Path == prefix || r.Path.StartsWith(prefix + "/", StringComparison.Ordinal))
                .ToList();
            for (var i = 0; i < open.Count; i++)
            {
                routes.Add(new RouteConfig
                {
                    RouteId = $"{cluster}-anonymous-{i}",
                    ClusterId = cluster,
                    Order = -1,
                    Match = new RouteMatch { Path = open[i].Path, Methods = open[i].Methods },
                    AuthorizationPolicy = Anonymous,
                });
            }
        }

        if (WebAddress(configuration) is not null)
        {
            // Everything else is the console's: the lowest priority, so every route above wins, and anonymous here
            // because the console signs its users in itself (its own pages say who may see them). The Blazor
            // circuit's WebSocket passes through YARP like any other request.
            routes.Add(new RouteConfig
            {
                RouteId = Web,
                ClusterId = Web,
                Order = int.MaxValue,
                Match = new RouteMatch { Path = "/{**rest}" },
                AuthorizationPolicy = Anonymous,
            });
        }

        return routes;
    }

    public static void MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseServiceDefaults();
        if (LimitsRate(app.Configuration))
        {
            app.UseRateLimiter();
        }

        app.MapGet("/health", AggregateHealth).AllowAnonymous().DisableRateLimiting();
        app.MapApiReference();

        foreach (var prefix in ReservedPrefixes)
        {
            // An unknown path under a reserved prefix stays the gateway's 404 (401 without a token, as before the
            // console existed), rather than falling through to the console's catch-all.
            app.Map(prefix + "/{**rest}", () => Results.NotFound()).WithOrder(int.MaxValue - 1);
        }

        app.MapReverseProxy(proxy =>
        {
            proxy.Use(BodyLimit.ApplyRouteLimit);
            proxy.Use(BodyLimit.RejectDeclaredOversize);
            proxy.Use(BodyLimit.LimitStreamedBodies);
            proxy.Use(ServiceErrorsAsProblems);
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
    }

    internal static Dictionary<string, string> Services(IConfiguration configuration) =>
        configuration.GetSection("Services").GetChildren().ToDictionary(c => c.Key, c => c.Value!, StringComparer.OrdinalIgnoreCase);

    private static void ConfigureRateLimiting(RateLimiterOptions o, IConfiguration configuration)
    {
        var permits = configuration.GetValue("Gateway:RateLimit:PermitsPerSecond", 200);
        var burst = configuration.GetValue("Gateway:RateLimit:Burst", permits * 2);
        // One bucket per client: the token's subject when signed in, otherwise the remote address.
        o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
        {
            var key = ctx.User.Identity?.IsAuthenticated == true
                ? "sub:" + ctx.User.FindFirst("sub")?.Value
                : "ip:" + ctx.Connection.RemoteIpAddress;
            return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = permits,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        o.OnRejected = async (context, ct) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
            var http = context.HttpContext;
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Type = Problems.TypeBase + "too-many-requests",
                    Title = "Too many requests.",
                    Detail = $"This client is over its limit of {permits} requests a second. Retry after the time in Retry-After.",
                },
            });
        };
    }

    private static async Task ServiceErrorsAsProblems(HttpContext context, Func<Task> next)
    {
        await next();
        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted)
        {
            return;
        }

        // A body the client sent badly (over the limit, a broken chunk) is the client's error, not the service's: it
        // was a 502 "could not be reached" when every forwarder error was blamed on the service.
        if (BodyLimit.ClientBodyProblem(context, error) is { } clientProblem)
        {
            context.Response.StatusCode = clientProblem.Status!.Value;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = clientProblem });
            return;
        }

        var service = context.GetReverseProxyFeature().Route.Config.ClusterId ?? "unknown";
        var (status, title) = error.Error switch
        {
            ForwarderError.NoAvailableDestinations => (StatusCodes.Status503ServiceUnavailable, $"The {service} service is unavailable."),
            ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, $"The {service} service did not answer in time."),
            _ => (StatusCodes.Status502BadGateway, $"The {service} service could not be reached."),
        };
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Type = Problems.TypeBase + Problems.Slug(status),
            Title = title,
            Detail = "Nothing was changed by this gateway. Retry shortly; if it persists, the service's health is at /health.",
        };
        problem.Extensions["service"] = service;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private static async Task<IResult> AggregateHealth(IHttpClientFactory clients, IConfiguration configuration, CancellationToken ct)
    {
        var client = clients.CreateClient("health");
        var checks = await Task.WhenAll(Services(configuration).Select(async s =>
        {
            try
            {
                using var response = await client.GetAsync(new Uri(new Uri(s.Value), "/health/ready"), ct);
                return (s.Key.ToLowerInvariant(), response.StatusCode == HttpStatusCode.OK ? "Healthy" : "Unhealthy");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return (s.Key.ToLowerInvariant(), "Unreachable");
            }
        }));
        var healthy = checks.All(c => c.Item2 == "Healthy");
        return Results.Json(
            new { status = healthy ? "Healthy" : "Unhealthy", services = checks.ToDictionary(c => c.Item1, c => c.Item2) },
            statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>A service that is down must fail fast (a few seconds), not hang until the OS gives up connecting.</summary>
    private sealed class ConnectTimeoutHttpClientFactory(TimeSpan connectTimeout) : ForwarderHttpClientFactory
    {
        protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
        {
            base.ConfigureHandler(context, handler);
            handler.ConnectTimeout = connectTimeout;
        }
    }
}
