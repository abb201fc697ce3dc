using Engagement.Web.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.Web.Tests;

/// <summary>The console's server-side sessions (<see cref="SessionTickets"/>), as a test looks into them.</summary>
public static class ServerSessions
{
    /// <summary>The session key of the signed-in <paramref name="sub"/>, found among the store's entries.</summary>
    public static async Task<string> FindAsync(WebStack stack, string sub)
    {
        var tickets = stack.Web.Services.GetRequiredService<SessionTickets>();
        var cache = (MemoryCache)stack.Web.Services.GetRequiredService<IMemoryCache>();
        foreach (var key in cache.Keys.OfType<string>().Select(k => k.Split(':', 2)[1]))
        {
            if ((await tickets.RetrieveAsync(key))?.Principal.FindFirst(WebAuth.NameClaim)?.Value == sub)
            {
                return key;
            }
        }

        throw new InvalidOperationException($"No session for {sub} on the server.");
    }

    /// <summary>The session's ticket, or null once it has ended.</summary>
    public static Task<AuthenticationTicket?> TicketAsync(WebStack stack, string key) =>
        stack.Web.Services.GetRequiredService<SessionTickets>().RetrieveAsync(key);
}
