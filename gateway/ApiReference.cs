using Engagement.ServiceDefaults;
using Scalar.AspNetCore;

namespace Engagement.Gateway;

/// <summary>
/// A browsable API reference (Scalar) at <c>/docs</c>, over the four services' OpenAPI documents. The browser reads each
/// document from the gateway's own <c>/openapi/&lt;service&gt;.json</c> route, which proxies the service's, so what it
/// shows is always what the running service says. Anonymous, like the documents.
/// </summary>
internal static class ApiReference
{
    public const string Path = "/docs";

    public static void MapApiReference(this WebApplication app)
    {
        var services = Gateway.Services(app.Configuration).Keys.Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        app.MapScalarApiReference(Path, o =>
        {
            o.WithTitle("Engagement API");
            o.AddPreferredSecuritySchemes([ApiDocs.BearerScheme]);
            foreach (var service in services)
            {
                o.AddDocument(service, char.ToUpperInvariant(service[0]) + service[1..], $"/openapi/{service}.json", isDefault: service == "surgeries");
            }
        }).AllowAnonymous();
    }
}
