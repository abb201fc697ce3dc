using System.Net;
using Engagement.Testing;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Tests;

/// <summary>
/// The alert and reply endpoints with every role: allowed, 403 for a signed-in caller of the wrong role, 401 without a
/// token. Allowed calls send invalid bodies or unknown ids, so the matrix sends, approves and cancels nothing.
/// </summary>
public sealed class AlertRoleMatrixTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{

    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "POST", "/api/messaging/alerts/preview", "neighbourhood communications admin" },
        { "POST", "/api/messaging/alerts", "neighbourhood communications admin" },
        { "GET", "/api/messaging/alerts/{x}", "neighbourhood communications admin" },
        { "POST", "/api/messaging/alerts/{x}/approve", "communications admin" },
        { "POST", "/api/messaging/alerts/{x}/cancel", "neighbourhood communications admin" },
        { "POST", "/api/messaging/alerts/{x}/replies", "resident" },
        { "GET", "/api/messaging/replies", "neighbourhood communications admin" },
        { "POST", "/api/messaging/replies/{x}/answer", "neighbourhood communications admin" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task each_role_is_allowed_or_refused_as_the_endpoint_says(string method, string path, string allowed)
    {
        var url = path.Replace("{x}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        await RoleMatrix.AssertAsync(role => role == RoleMatrix.Anonymous ? f.Anonymous() : f.As(role), method, url, allowed, request =>
        {
            if (method == "POST")
            {
                request.Content = JsonContent.Create(new JsonObject { ["subject"] = "", ["body"] = "" });
            }
        });
    }
}
