using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Engagement.Web.SignIn;

/// <summary>
/// Signing in to the console. Production: OpenID Connect against the force's identity provider (<c>Auth:Oidc</c>);
/// locally: <see cref="LocalDemoSignIn"/>. Either way the browser holds one HttpOnly, Secure, SameSite cookie naming a
/// server-side session (<see cref="SessionTickets"/>), and the API token stays on the server.
/// </summary>
public static class WebAuth
{
    public const string CookieName = "engage-session";

    /// <summary>The claim types the console's principal uses, the same as the API's tokens.</summary>
    public const string NameClaim = "sub";
    public const string RoleClaim = "role";

    public static bool OidcConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["Auth:Oidc:Authority"]);

    public static void AddWebAuth(this WebApplicationBuilder builder)
    {
        var oidc = OidcConfigured(builder.Configuration);
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<SessionTickets>();
        builder.Services.AddSingleton<LocalDemoSignIn>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AccessTokens>();
        builder.Services.AddOptions<TokenRefreshOptions>().BindConfiguration("Auth:Oidc")
            .Validate(o => o.RefreshBefore >= TimeSpan.Zero, "Auth:Oidc:RefreshBefore must not be negative.").ValidateOnStart();
        var auth = builder.Services.AddAuthentication(o =>
        {
            o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.DefaultChallengeScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        }).AddCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            // Lax, not Strict: the identity provider's redirect back to the console is a top-level navigation from
            // another site, which must carry the cookie of the sign-in in progress.
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = false;
            o.LoginPath = "/account/sign-in";
            o.AccessDeniedPath = "/account/access-denied";
            o.Events.OnValidatePrincipal = AccessTokens.ValidatePrincipalAsync;
        });
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<SessionTickets>((o, tickets) => o.SessionStore = tickets);

        if (oidc)
        {
            auth.AddOpenIdConnect(o =>
            {
                var config = builder.Configuration.GetSection("Auth:Oidc");
                o.Authority = config["Authority"];
                o.ClientId = config["ClientId"];
                o.ClientSecret = config["ClientSecret"];
                // Only a test's identity provider on loopback is plain HTTP; production's metadata must be HTTPS.
                o.RequireHttpsMetadata = config.GetValue("RequireHttpsMetadata", true);
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                o.SaveTokens = true;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = true;
                foreach (var scope in (config["Scopes"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    o.Scope.Add(scope);
                }

                o.TokenValidationParameters.NameClaimType = NameClaim;
                o.TokenValidationParameters.RoleClaimType = RoleClaim;
                var roleClaim = config["RoleClaim"] ?? RoleClaim;
                o.Events.OnTokenValidated = context =>
                {
                    // The identity provider names roles its own way; the console and the API speak "role".
                    var identity = (ClaimsIdentity)context.Principal!.Identity!;
                    if (roleClaim != RoleClaim)
                    {
                        foreach (var role in identity.FindAll(roleClaim).ToList())
                        {
                            identity.AddClaim(new Claim(RoleClaim, role.Value));
                        }
                    }

                    identity.AddClaim(new Claim(SessionTickets.SessionClaim, Guid.NewGuid().ToString("N")));
                    return Task.CompletedTask;
                };
            });
        }
    }

    public static void MapSignIn(this WebApplication app)
    {
        var account = app.MapGroup("/account");
        account.MapGet("/sign-in", (string? returnUrl, HttpContext http, LocalDemoSignIn demo, IConfiguration configuration) =>
        {
            var target = LocalUrl(returnUrl);
            if (OidcConfigured(configuration))
            {
                return Results.Challenge(new AuthenticationProperties { RedirectUri = target }, [OpenIdConnectDefaults.AuthenticationScheme]);
            }

            return demo.Enabled
                ? Results.Redirect("/account/demo-sign-in?returnUrl=" + Uri.EscapeDataString(target))
                : Results.Text("Signing in is not configured: set Auth:Oidc:Authority.", statusCode: StatusCodes.Status503ServiceUnavailable);
        });

        // A form post with the antiforgery token, checked here so that a forged post is a plain 400 (a link or a
        // form on another site could otherwise sign people out).
        account.MapPost("/sign-out", async (HttpContext http, IAntiforgery antiforgery, IConfiguration configuration) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest();
            }

            var returnUrl = http.Request.Form["returnUrl"].ToString();
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            if (OidcConfigured(configuration))
            {
                await http.SignOutAsync(OpenIdConnectDefaults.AuthenticationScheme, new AuthenticationProperties { RedirectUri = "/" });
                return Results.Empty;
            }

            return Results.Redirect(LocalUrl(returnUrl));
        }).DisableAntiforgery();
    }

    /// <summary>Only a path on this site: an absolute URL in returnUrl would make the console an open redirect.</summary>
    public static string LocalUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
