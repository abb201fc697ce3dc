using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Engagement.ServiceDefaults;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Engagement.Web.Tests.Oidc;

/// <summary>A grant the token endpoint was asked for (<c>authorization_code</c>, <c>refresh_token</c>), and for whom.</summary>
public sealed record IdentityProviderGrant(string Type, string Subject);

/// <summary>A person the identity provider knows: their user name (the token's <c>sub</c>), role and areas.</summary>
public sealed record IdentityProviderUser(string Username, string Role, params string[] Areas);

/// <summary>
/// A real OpenID Connect provider in the test process: OpenIddict's server on Kestrel at a free loopback port,
/// issuing RS256-signed tokens by the authorization code flow with PKCE, and refresh tokens. It runs in OpenIddict's
/// degraded mode (no store), so the one client, its redirect addresses and its secret are checked here, by handlers.
/// Its sign-in page asks only for a user name. It records the grants its token endpoint saw, and a user's refresh
/// tokens can be revoked (their next refresh is refused with <c>invalid_grant</c>).
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "engagement-console";

    /// <summary>The audience of the access tokens, as the services expect it (<c>Auth:Audience</c>).</summary>
    public const string Audience = "engagement";

    private readonly WebApplication _app;
    private readonly Dictionary<string, IdentityProviderUser> _users;
    private readonly ConcurrentQueue<IdentityProviderGrant> _grants = new();
    private readonly ConcurrentDictionary<string, bool> _revoked = new(StringComparer.Ordinal);
    private int _signOuts;

    private TestIdentityProvider(WebApplication app, IEnumerable<IdentityProviderUser> users)
    {
        _app = app;
        _users = users.ToDictionary(u => u.Username, StringComparer.Ordinal);
    }

    public string ClientSecret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>The issuer, which is also the authority the console and the services are given.</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>The console's address (the gateway's): where the provider may send the browser back to.</summary>
    public Uri? Client { get; set; }

    /// <summary>The grants the token endpoint issued tokens for or refused, in order.</summary>
    public IReadOnlyList<IdentityProviderGrant> Grants => _grants.ToArray();

    /// <summary>How many times the browser came to the provider's end-session endpoint.</summary>
    public int SignOuts => Volatile.Read(ref _signOuts);

    /// <summary>Refuses every refresh token issued to <paramref name="username"/> from now on.</summary>
    public void RevokeRefreshTokens(string username) => _revoked[username] = true;

    public static async Task<TestIdentityProvider> StartAsync(TimeSpan accessTokenLifetime, params IdentityProviderUser[] users)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        TestIdentityProvider? provider = null;
        TestIdentityProvider Self() => provider ?? throw new InvalidOperationException("The identity provider is not started.");
        builder.Services.AddAuthentication();
        builder.Services.AddOpenIddict().AddServer(o =>
        {
            o.SetAuthorizationEndpointUris("connect/authorize")
                .SetTokenEndpointUris("connect/token")
                .SetUserInfoEndpointUris("connect/userinfo")
                .SetEndSessionEndpointUris("connect/end-session");
            o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().RequireProofKeyForCodeExchange();
            o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess);
            o.SetAccessTokenLifetime(accessTokenLifetime);
            o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            // The services validate the access token themselves, as a signed JWT (ServiceDefaults' Auth).
            o.DisableAccessTokenEncryption();
            o.EnableDegradedMode();
            o.UseAspNetCore()
                .DisableTransportSecurityRequirement()
                .EnableAuthorizationEndpointPassthrough()
                .EnableTokenEndpointPassthrough()
                .EnableUserInfoEndpointPassthrough()
                .EnableEndSessionEndpointPassthrough();

            // Degraded mode checks no client: these handlers are the client registration.
            o.AddEventHandler<ValidateAuthorizationRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.RedirectUri != Self().ClientAddress("signin-oidc"))
                {
                    context.Reject(Errors.InvalidClient, "Unknown client or redirect address.");
                }

                return default;
            }));
            o.AddEventHandler<ValidateTokenRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.ClientSecret != Self().ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client or wrong secret.");
                }

                return default;
            }));
            o.AddEventHandler<ValidateEndSessionRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.PostLogoutRedirectUri is { } back && back != Self().ClientAddress("signout-callback-oidc"))
                {
                    context.Reject(Errors.InvalidRequest, "Unknown address to return to after signing out.");
                }

                return default;
            }));
        });

        var app = builder.Build();
        provider = new TestIdentityProvider(app, users);
        app.UseAuthentication();
        app.MapMethods("connect/authorize", ["GET", "POST"], provider.AuthorizeAsync);
        app.MapPost("connect/token", new Func<HttpContext, Task<IResult>>(provider.TokenAsync));
        app.MapMethods("connect/userinfo", ["GET", "POST"], new Func<HttpContext, Task<IResult>>(UserInfoAsync));
        app.MapMethods("connect/end-session", ["GET", "POST"], provider.EndSession);
        await app.StartAsync();
        provider.Issuer = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return provider;
    }

    private string ClientAddress(string path) => new Uri(Client ?? throw new InvalidOperationException("No client address yet."), path).AbsoluteUri;

    /// <summary>The sign-in page (a form for the user name), then the sign-in itself when the form comes back.</summary>
    private IResult AuthorizeAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var username = (string?)request["username"];
        if (username is null || !_users.TryGetValue(username, out var user))
        {
            return SignInPage(request, username is null ? null : "No such user.");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Username).SetClaim(Claims.Name, user.Username).SetClaim(Claims.Role, user.Role);
        foreach (var area in user.Areas)
        {
            identity.AddClaim(new Claim(AreaScope.Claim, area));
        }

        identity.SetScopes(request.GetScopes());
        identity.SetResources(Audience);
        // The console's principal comes from the identity token, the services' from the access token: both carry
        // who the user is, their role and their areas.
        identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private async Task<IResult> TokenAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        // The code's or the refresh token's principal, already validated by OpenIddict.
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal
            ?? throw new InvalidOperationException("The grant carried no principal.");
        _grants.Enqueue(new IdentityProviderGrant(request.GrantType ?? "", principal.GetClaim(Claims.Subject) ?? ""));
        if (request.IsRefreshTokenGrantType() && _revoked.ContainsKey(principal.GetClaim(Claims.Subject) ?? ""))
        {
            return Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The refresh token has been revoked.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http)
    {
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal
            ?? throw new InvalidOperationException("No access token.");
        return Results.Json(new Dictionary<string, string?>
        {
            [Claims.Subject] = principal.GetClaim(Claims.Subject),
            [Claims.Name] = principal.GetClaim(Claims.Name),
        });
    }

    private IResult EndSession()
    {
        Interlocked.Increment(ref _signOuts);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IResult SignInPage(OpenIddictRequest request, string? error)
    {
        var hidden = new StringBuilder();
        foreach (var (name, value) in request.GetParameters().Where(p => p.Key != "username"))
        {
            hidden.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(name)}\" value=\"{WebUtility.HtmlEncode((string?)value)}\">");
        }

        var message = error is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        return Results.Content($"""
            <!doctype html>
            <html lang="en-GB"><head><meta charset="utf-8"><title>Test identity provider</title></head>
            <body><main><h1>Test identity provider</h1>{message}
            <form method="post" action="/connect/authorize">{hidden}
            <label for="username">User name</label> <input id="username" name="username" autocomplete="username">
            <button type="submit">Continue</button>
            </form></main></body></html>
            """, "text/html; charset=utf-8");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
