using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;

namespace Engagement.Profiles.Tests;

/// <summary>
/// Every endpoint with every role: allowed, 403 for a signed-in caller of the wrong role, 401 without a token.
/// Allowed writes are sent an empty or invalid body, which is refused before anything is stored.
/// </summary>
public sealed class RoleMatrixTests(ProfilesFixture f) : IClassFixture<ProfilesFixture>
{
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "GET", "/api/profiles/areas", "resident neighbourhood communications analyst admin" },
        { "POST", "/api/profiles/imports", "analyst admin" },
        { "GET", "/api/profiles/imports/{x}", "analyst admin" },
        { "GET", "/api/profiles/areas/berridge", "neighbourhood communications analyst admin" },
        { "GET", "/api/profiles/areas/berridge/page", "neighbourhood communications analyst admin" },
        { "GET", "/api/profiles/areas/berridge/communities", "neighbourhood communications analyst admin" },
        { "GET", "/api/profiles/communities/{x}", "neighbourhood communications analyst admin" },
        { "POST", "/api/profiles/areas/berridge/communities", "analyst admin" },
        { "POST", "/api/profiles/communities/{x}/evidence", "analyst admin" },
        { "POST", "/api/profiles/areas/berridge/versions", "analyst admin" },
        { "POST", "/api/profiles/flows", "analyst admin" },
        { "GET", "/api/profiles/emerging", "neighbourhood communications analyst admin" },
        { "POST", "/api/profiles/emerging/emerging-x/confirm", "analyst admin" },
        { "POST", "/api/profiles/emerging/emerging-x/dismiss", "analyst admin" },
        { "GET", "/api/profiles/areas/berridge/versions", "neighbourhood communications analyst admin" },
        { "GET", "/api/profiles/audit", "admin" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task each_role_is_allowed_or_refused_as_the_endpoint_says(string method, string path, string allowed)
    {
        var url = path.Replace("{x}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        await RoleMatrix.AssertAsync(role => role == RoleMatrix.Anonymous ? f.Anonymous() : f.As(role, AreaScope.ForceWide), method, url, allowed, request =>
        {
            if (method == "POST" && (path.EndsWith("/imports", StringComparison.Ordinal) || path.EndsWith("/flows", StringComparison.Ordinal)))
            {
                request.Content = new ByteArrayContent([]);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            }
            else if (method == "POST")
            {
                // Invalid on purpose: an allowed caller gets 400, so nothing is recorded.
                request.Content = JsonContent.Create(new JsonObject());
            }
        });
        Assert.Equal(0, await f.CountAsync("select count(*) from profiles.census_datasets"));
        Assert.Equal(0, await f.CountAsync("select count(*) from profiles.mt_events"));
    }
}
