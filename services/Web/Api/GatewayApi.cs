using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Engagement.Web.SignIn;
using Microsoft.AspNetCore.Components.Authorization;

namespace Engagement.Web.Api;

/// <summary>What the API answered: the value (and its ETag), or the problem to show.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem, string? ETag)
{
    public bool Ok => Problem is null;
}

/// <summary>
/// The console's only way to the services: the gateway's public API, as the signed-in user (their bearer token, read
/// from the server-side session and refreshed as it nears expiry: <see cref="AccessTokens"/>). Works in the first
/// render (with an HTTP request) and in the interactive circuit.
/// </summary>
public sealed class GatewayApi(IHttpClientFactory clients, AuthenticationStateProvider authentication, AccessTokens tokens)
{
    public const string Client = "gateway";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<ApiResult<T>> GetAsync<T>(string path, IDictionary<string, string>? headers = null, CancellationToken ct = default) =>
        SendAsync<T>(HttpMethod.Get, path, null, headers, ct);

    public Task<ApiResult<T>> PostAsync<T>(string path, object? body, IDictionary<string, string>? headers = null, CancellationToken ct = default) =>
        SendAsync<T>(HttpMethod.Post, path, body, headers, ct);

    /// <summary>A file as the request's body (a census CSV, say), streamed as it is read.</summary>
    public Task<ApiResult<T>> PostFileAsync<T>(string path, Stream file, string mediaType, CancellationToken ct = default)
    {
        var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return SendAsync<T>(HttpMethod.Post, path, content, null, ct);
    }

    public Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, IDictionary<string, string>? headers, CancellationToken ct) =>
        SendAsync<T>(method, path, body is null ? null : JsonContent.Create(body, body.GetType(), options: Json), headers, ct);

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content, IDictionary<string, string>? headers, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative));
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (await tokens.ForAsync(user, ct) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (user.Identity?.IsAuthenticated == true)
        {
            // The session ended under an open page (the identity provider refused to refresh its token): the page
            // says so and keeps what was typed, rather than calling the API as nobody.
            return new ApiResult<T>(default, ApiProblem.SessionEnded(), null);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Content = content;

        try
        {
            using var response = await clients.CreateClient(Client).SendAsync(request, ct);
            var etag = response.Headers.ETag?.Tag;
            if (!response.IsSuccessStatusCode)
            {
                return new ApiResult<T>(default, await ApiProblem.ReadAsync(response, ct), etag);
            }

            var empty = response.StatusCode == System.Net.HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0;
            var value = empty ? default : await response.Content.ReadFromJsonAsync<T>(Json, ct);
            return new ApiResult<T>(value, null, etag);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new ApiResult<T>(default, ApiProblem.Unreachable(), null);
        }
    }
}
