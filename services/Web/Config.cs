using Engagement.ServiceDefaults;
using Engagement.Web.Api;
using Engagement.Web.Components;
using Engagement.Web.Localisation;
using Engagement.Web.SignIn;
using Microsoft.AspNetCore.HttpOverrides;

namespace Engagement.Web;

/// <summary>The console's settings (<c>Web</c>), checked at start-up.</summary>
public sealed class WebOptions
{
    /// <summary>The gateway's address, the console's only way to the services.</summary>
    public Uri GatewayUrl { get; set; } = new("http://127.0.0.1:8080");
}

public static class Config
{
    public static WebApplicationBuilder AddWebConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebOptions>().BindConfiguration("Web")
            .Validate(o => o.GatewayUrl.IsAbsoluteUri, "Web:GatewayUrl must be an absolute URL.").ValidateOnStart();
        // The stylesheet and Blazor's script are static web assets. `./engage up` runs the build output, not a
        // published folder, so their manifest must be read in every environment (ASP.NET Core reads it only in
        // Development); a published image has no such manifest and serves its own wwwroot.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAuthorization();
        builder.Services.AddHealthChecks();
        builder.AddWebAuth();
        builder.AddResidentLanguage();
        builder.Services.AddSingleton(sp => AreaDirectory.Load(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddResilientHttpClient(GatewayApi.Client)
            .ConfigureHttpClient((sp, c) => c.BaseAddress = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebOptions>>().Value.GatewayUrl);
        builder.Services.AddScoped<GatewayApi>();
        builder.Services.AddScoped<Kin.KinAccessReason>();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // The gateway is the console's only caller; it says which host and scheme the browser used, which the
            // identity provider's redirect back must match.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        });
        return builder;
    }

    public static WebApplication MapWebConsole(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAuthentication();
        app.UseResidentLanguage();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapHealth();
        app.MapStaticAssets();
        app.MapSignIn();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
