using System.Net;
using Xunit;

namespace Engagement.Testing;

/// <summary>
/// Calls one endpoint as every role and as nobody: a role the endpoint allows must get past authorisation (not 401,
/// 403 or a 500), any other signed-in role gets 403 and no token gets 401, both as problem+json.
/// </summary>
public static class RoleMatrix
{
    public const string Anonymous = "anonymous";
    public static readonly string[] Callers = [Anonymous, "resident", "neighbourhood", "communications", "analyst", "admin"];

    /// <param name="clientFor">A client for a role, or without a token for <see cref="Anonymous"/>.</param>
    /// <param name="allowed">The roles allowed, separated by spaces.</param>
    /// <param name="prepare">Adds what the request needs; allowed callers should be sent invalid bodies, so that nothing changes.</param>
    public static async Task AssertAsync(Func<string, HttpClient> clientFor, string method, string url, string allowed, Action<HttpRequestMessage>? prepare = null)
    {
        ArgumentNullException.ThrowIfNull(clientFor);
        ArgumentNullException.ThrowIfNull(allowed);
        foreach (var role in Callers)
        {
            using var client = clientFor(role);
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            prepare?.Invoke(request);
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            if (allowed.Split(' ').Contains(role))
            {
                Assert.True(status is not 401 and not 403 and < 500, $"{role} {method} {url} should be allowed, got {status}");
            }
            else
            {
                Assert.Equal(role == Anonymous ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }
}
