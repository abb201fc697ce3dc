using System.Net;
using System.Net.Http.Headers;
using Engagement.Testing;

namespace Engagement.Gateway.Tests;

/// <summary>
/// A census import is the one upload past the default body limit: the gateway lets 21 MB through to it (the service
/// reads it whole and answers), and every other route keeps the default limit.
/// </summary>
public sealed class LargeUploadTests(FullStackFixture fixture) : IClassFixture<FullStackFixture>
{
    private static ByteArrayContent Body(int megabytes)
    {
        // Not a census table, so the service refuses it after reading it all, and nothing is imported.
        var body = new ByteArrayContent(Enumerable.Repeat((byte)'x', megabytes * 1024 * 1024).ToArray());
        body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return body;
    }

    [Fact]
    public async Task a_21_mb_census_file_reaches_the_import_route()
    {
        using var client = fixture.Stack.Client(TestTokens.Create("analyst"));
        using var body = Body(21);
        using var response = await client.PostAsync(new Uri("/api/profiles/imports?reason=A+large+file", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("https://engagement.example/problems/malformed-census-file", (await Problem.ReadAsync(response)).Text("type"));
    }

    [Fact]
    public async Task another_route_keeps_the_default_limit()
    {
        // Just over the default (1 MB): a 21 MB body refused early would break the pipe before the 413 could be read.
        using var client = fixture.Stack.Client(TestTokens.Create("analyst"));
        using var body = Body(2);
        using var response = await client.PostAsync(new Uri("/api/profiles/areas/bulwell/versions", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
