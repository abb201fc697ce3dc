using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Engagement.Web.SignIn;

/// <summary>When the console refreshes a session's access token (<c>Auth:Oidc</c>), checked at start-up.</summary>
public sealed class TokenRefreshOptions
{
    /// <summary>Refresh once the access token expires within this: long enough for a request to reach the services.</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The API token of a signed-in session, refreshed with the session's refresh token when it nears expiry, and the
/// refreshed tokens written back to the session (<see cref="SessionTickets"/>). Every use of a token comes through
/// here, on each HTTP request (the cookie's validation) and on each API call of a Blazor circuit (which holds only the
/// session's key, never a copy of the token), so a circuit opened before a refresh sends the new token. If the
/// identity provider refuses the refresh, or the token has expired and the provider cannot be reached, the session
/// ends: the next page sends the user to sign in, and a page already open shows the API's 401 beside what was typed.
/// </summary>
public sealed class AccessTokens(SessionTickets sessions, IOptionsMonitor<OpenIdConnectOptions> oidc, IOptions<TokenRefreshOptions> options,
    TimeProvider time, ILogger<AccessTokens> log)
{
    // One refresh per session at a time (striped, so sessions need no lock of their own to clean up): an identity
    // provider that rotates refresh tokens takes a second use of the old one as theft and revokes the lot.
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>The access token for the user's session, refreshed if need be; null when there is none (or it has ended).</summary>
    public async Task<string?> ForAsync(ClaimsPrincipal user, CancellationToken ct = default) =>
        user.FindFirstValue(SessionTickets.SessionClaim) is { } key && await CurrentAsync(key, ct) is { } ticket
            ? ticket.Properties.GetTokenValue("access_token")
            : null;

    /// <summary>The session's ticket with a fresh enough access token, or null when the session has ended (and is removed).</summary>
    public async Task<AuthenticationTicket?> CurrentAsync(string key, CancellationToken ct = default)
    {
        var ticket = await sessions.RetrieveAsync(key);
        if (ticket is null || !NeedsRefresh(ticket))
        {
            return ticket;
        }

        var gate = _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_locks.Length)];
        await gate.WaitAsync(ct);
        try
        {
            // Another request may have refreshed it while this one waited.
            ticket = await sessions.RetrieveAsync(key);
            if (ticket is null || !NeedsRefresh(ticket))
            {
                return ticket;
            }

            // A copy: readers on other threads hold the stored ticket, which is never changed in place.
            var renewed = new AuthenticationTicket(ticket.Principal, ticket.Properties.Clone(), ticket.AuthenticationScheme);
            switch (await RefreshAsync(renewed.Properties, ct))
            {
                case Refresh.Done:
                    await sessions.RenewAsync(key, renewed);
                    return renewed;
                case Refresh.Unavailable when ExpiresAt(ticket.Properties) > time.GetUtcNow():
                    return ticket;
                default:
                    await sessions.RemoveAsync(key);
                    return null;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The cookie's check on every request: a session whose refresh failed is signed out, as if it had expired.</summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.FindFirstValue(SessionTickets.SessionClaim) is not { } key)
        {
            return;
        }

        // The refreshed tokens go to the session store, not into this request's ticket: the console reads tokens
        // only through this class, never with HttpContext.GetTokenAsync.
        var tokens = context.HttpContext.RequestServices.GetRequiredService<AccessTokens>();
        if (await tokens.CurrentAsync(key, context.HttpContext.RequestAborted) is not null)
        {
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    private bool NeedsRefresh(AuthenticationTicket ticket) =>
        ticket.Properties.GetTokenValue("refresh_token") is not null
        && ExpiresAt(ticket.Properties) is { } expires
        && expires - options.Value.RefreshBefore <= time.GetUtcNow();

    private static DateTimeOffset? ExpiresAt(AuthenticationProperties properties) =>
        DateTimeOffset.TryParse(properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private enum Refresh { Done, Refused, Unavailable }

    private async Task<Refresh> RefreshAsync(AuthenticationProperties properties, CancellationToken ct)
    {
        var o = oidc.Get(OpenIdConnectDefaults.AuthenticationScheme);
        OpenIdConnectMessage answer;
        try
        {
            var configuration = await o.ConfigurationManager!.GetConfigurationAsync(ct);
            using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string?>
                {
                    ["grant_type"] = OpenIdConnectGrantTypes.RefreshToken,
                    ["refresh_token"] = properties.GetTokenValue("refresh_token"),
                    ["client_id"] = o.ClientId,
                    ["client_secret"] = o.ClientSecret,
                }),
            };
            using var response = await o.Backchannel.SendAsync(request, ct);
            if ((int)response.StatusCode >= 500)
            {
                log.LogWarning("The identity provider answered {Status} to a token refresh.", (int)response.StatusCode);
                return Refresh.Unavailable;
            }

            answer = new OpenIdConnectMessage(await response.Content.ReadAsStringAsync(ct));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "The identity provider could not be reached to refresh a token.");
            return Refresh.Unavailable;
        }

        if (answer.Error is not null || string.IsNullOrEmpty(answer.AccessToken))
        {
            log.LogInformation("The identity provider refused a token refresh ({Error}); the session ends.", answer.Error ?? "no access token");
            return Refresh.Refused;
        }

        var tokens = properties.GetTokens().ToDictionary(t => t.Name, t => t.Value, StringComparer.Ordinal);
        tokens["access_token"] = answer.AccessToken;
        // A provider that does not rotate refresh tokens answers without one: the old one stays good.
        if (!string.IsNullOrEmpty(answer.RefreshToken))
        {
            tokens["refresh_token"] = answer.RefreshToken;
        }

        if (!string.IsNullOrEmpty(answer.IdToken))
        {
            tokens["id_token"] = answer.IdToken;
        }

        if (int.TryParse(answer.ExpiresIn, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            tokens["expires_at"] = time.GetUtcNow().AddSeconds(seconds).ToString("o", CultureInfo.InvariantCulture);
        }

        properties.StoreTokens(tokens.Select(t => new AuthenticationToken { Name = t.Key, Value = t.Value }));
        return Refresh.Done;
    }
}
