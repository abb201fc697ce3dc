using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Engagement.ServiceDefaults;

/// <summary>One route a service answers without a token, as its endpoint was mapped.</summary>
/// <param name="Path">The route pattern, such as <c>/api/surgeries/{id:guid}</c>.</param>
/// <param name="Methods">The methods it answers; null when it answers any.</param>
public sealed record AnonymousRoute(string Path, IReadOnlyList<string>? Methods);

public sealed record AnonymousRouteList(IReadOnlyList<AnonymousRoute> Routes);

/// <summary>
/// Whether a route is public is declared once, with <c>AllowAnonymous()</c> where the endpoint is mapped. The gateway
/// learns it from <see cref="Path"/>, which lists what the endpoint metadata says; a second list kept by hand drifted
/// (a series was public in the service and 401 at the gateway).
/// </summary>
public static class AnonymousRoutes
{
    public const string Path = "/.well-known/anonymous-routes";

    public static void MapAnonymousRoutes(this WebApplication app, string apiPrefix)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(Path, (EndpointDataSource endpoints) => TypedResults.Ok(List(endpoints, apiPrefix)))
            .AllowAnonymous()
            .ExcludeFromDescription();
    }

    /// <summary>The anonymous endpoints under <paramref name="apiPrefix"/>; HEAD is listed wherever GET is (see UseHeadAsGet).</summary>
    public static AnonymousRouteList List(EndpointDataSource endpoints, string apiPrefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var routes = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => (Path: "/" + (e.RoutePattern.RawText ?? "").Trim('/'), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods))
            .Where(e => e.Path.Equals(apiPrefix, StringComparison.Ordinal) || e.Path.StartsWith(apiPrefix + "/", StringComparison.Ordinal))
            .Select(e => new AnonymousRoute(e.Path, e.Methods is null ? null : WithHead(e.Methods)))
            .OrderBy(r => r.Path, StringComparer.Ordinal)
            .ToList();
        return new AnonymousRouteList(routes);
    }

    private static string[] WithHead(IReadOnlyList<string> methods) =>
        methods.Contains(HttpMethods.Get) && !methods.Contains(HttpMethods.Head) ? [.. methods, HttpMethods.Head] : [.. methods];

    /// <summary>
    /// HEAD is GET without the body (RFC 9110 9.3.2), but minimal APIs map GET alone, so HEAD on a calendar feed was
    /// 405 (and 401 at the gateway). Routing sees GET; Kestrel still knows the request was HEAD and drops the body.
    /// </summary>
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Request.Method = HttpMethods.Get;
        }

        return next(context);
    });
}
