using Engagement.Testing;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;

namespace Engagement.Surgeries.Tests;

/// <summary>
/// Every endpoint with every role: allowed, 403 for a signed-in caller of the wrong role, 401 without a token. Allowed
/// calls send deliberately invalid bodies or unknown ids, so the matrix changes nothing it can be fooled by.
/// </summary>
public sealed class RoleMatrixTests(SurgeriesFixture f) : IClassFixture<SurgeriesFixture>, IAsyncLifetime
{
    private Guid _surgery;

    public async Task InitializeAsync() => _surgery = (await f.ScheduleAsync(inHours: 900)).Id();

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, string> Endpoints => new()
    {
        // method, path ({s} = a surgery, {b} = an unknown booking), roles allowed
        { "GET", "/api/surgeries", "anonymous resident neighbourhood communications analyst admin" },
        { "GET", "/api/surgeries/{s}", "anonymous resident neighbourhood communications analyst admin" },
        { "GET", "/api/surgeries/areas/bulwell/calendar.ics", "anonymous resident neighbourhood communications analyst admin" },
        { "POST", "/api/surgeries", "neighbourhood admin" },
        { "POST", "/api/surgeries/series", "neighbourhood admin" },
        { "PATCH", "/api/surgeries/{s}", "neighbourhood admin" },
        { "POST", "/api/surgeries/{s}/cancel", "neighbourhood admin" },
        { "GET", "/api/surgeries/{s}/bookings", "neighbourhood admin" },
        { "POST", "/api/surgeries/{s}/outcome", "neighbourhood admin" },
        { "POST", "/api/surgeries/{s}/bookings", "resident neighbourhood admin" },
        { "GET", "/api/surgeries/{s}/bookings/{b}", "resident neighbourhood admin" },
        { "DELETE", "/api/surgeries/{s}/bookings/{b}", "resident neighbourhood admin" },
        { "GET", "/api/surgeries/my-bookings", "resident" },
        { "POST", "/api/surgeries/admin/retention?asOf=2001-01-01T00:00:00Z", "admin" },
        { "GET", "/api/surgeries/audit", "admin" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task each_role_is_allowed_or_refused_as_the_endpoint_says(string method, string path, string allowed)
    {
        var url = path.Replace("{s}", _surgery.ToString(), StringComparison.Ordinal).Replace("{b}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        await RoleMatrix.AssertAsync(role => role == RoleMatrix.Anonymous ? f.Anonymous() : f.As(role, null, AreaScope.ForceWide), method, url, allowed, request =>
        {
            if (method is "POST" or "PATCH")
            {
                // Invalid on purpose: an allowed caller gets 400, so nothing is created, changed or cancelled.
                request.Content = JsonContent.Create(new JsonObject { ["title"] = "", ["reason"] = "", ["name"] = "" });
            }
        });
    }

    [Fact]
    public async Task the_surgery_is_unchanged_after_the_matrix()
    {
        await each_role_is_allowed_or_refused_as_the_endpoint_says("POST", "/api/surgeries/{s}/cancel", "neighbourhood admin");
        var view = (await f.Anonymous().GetFromJsonAsync<JsonObject>($"/api/surgeries/{_surgery}"))!;
        Assert.Equal("scheduled", view["status"]!.GetValue<string>());
        Assert.Equal(1, view["version"]!.GetValue<int>());
    }
}
