using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;

namespace Engagement.Web.SignIn;

/// <summary>
/// Signed-in sessions, kept on the server: the cookie carries only the session key, so the access token never reaches
/// the browser. In memory, so a restart signs everyone out; with more than one console instance, put a distributed
/// cache behind this (sticky sessions are needed anyway for Blazor circuits).
/// </summary>
public sealed class SessionTickets(IMemoryCache cache) : ITicketStore
{
    /// <summary>The claim that names the session; the key of this store.</summary>
    public const string SessionClaim = "session";

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = ticket.Principal.FindFirstValue(SessionClaim) ?? Guid.NewGuid().ToString("N");
        Put(key, ticket);
        return Task.FromResult(key);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        Put(key, ticket);
        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => Task.FromResult(cache.Get<AuthenticationTicket>(Key(key)));

    public Task RemoveAsync(string key)
    {
        cache.Remove(Key(key));
        return Task.CompletedTask;
    }

    /// <summary>The API token of a signed-in user, read from the session their principal names.</summary>
    public string? AccessToken(ClaimsPrincipal user) =>
        user.FindFirstValue(SessionClaim) is { } key && cache.Get<AuthenticationTicket>(Key(key)) is { } ticket
            ? ticket.Properties.GetTokenValue("access_token")
            : null;

    private void Put(string key, AuthenticationTicket ticket) =>
        cache.Set(Key(key), ticket, new MemoryCacheEntryOptions { AbsoluteExpiration = ticket.Properties.ExpiresUtc ?? DateTimeOffset.UtcNow.AddHours(8) });

    private static string Key(string key) => CookieAuthenticationDefaults.AuthenticationScheme + ":" + key;
}
