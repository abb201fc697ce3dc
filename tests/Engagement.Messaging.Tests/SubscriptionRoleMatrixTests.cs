using System.Net;
using Engagement.Testing;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Tests;

/// <summary>
/// Every subscription and inbox endpoint with every role: allowed, 403 for a signed-in caller of another role, 401 with
/// no token. The resident's own endpoints are for residents only (staff and admins included: they have no "me" here);
/// the links in emails and texts are open to anyone, and their signed token is what they check. Allowed calls send
/// invalid bodies, unknown ids or bad tokens, so the matrix changes nothing but a throwaway resident.
/// </summary>
public sealed class SubscriptionRoleMatrixTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private const string Everyone = "anonymous resident neighbourhood communications analyst admin";

    public static TheoryData<string, string, string> Endpoints => new()
    {
        // method, path ({m} = an unknown inbox message), roles allowed
        { "GET", "/api/messaging/subscriptions/me", "resident" },
        { "PUT", "/api/messaging/subscriptions/me", "resident" },
        { "DELETE", "/api/messaging/subscriptions/me", "resident" },
        { "DELETE", "/api/messaging/subscriptions/{m}", "admin" },
        { "POST", "/api/messaging/subscriptions/me/email/verification", "resident" },
        { "GET", "/api/messaging/inbox", "resident" },
        { "POST", "/api/messaging/inbox/{m}/read", "resident" },
        { "POST", "/api/messaging/inbox/{m}/rating", "resident" },
        { "GET", "/api/messaging/subscriptions/verify-email?token=bad", Everyone },
        { "POST", "/api/messaging/subscriptions/verify-email?token=bad", Everyone },
        { "GET", "/api/messaging/unsubscribe?token=bad", Everyone },
        { "POST", "/api/messaging/unsubscribe?token=bad", Everyone },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task each_role_is_allowed_or_refused_as_the_endpoint_says(string method, string path, string allowed)
    {
        var url = path.Replace("{m}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        await RoleMatrix.AssertAsync(role => role == RoleMatrix.Anonymous ? f.Anonymous() : f.As(role), method, url, allowed, request =>
        {
            if (method is "POST" or "PUT")
            {
                // Invalid on purpose: an allowed caller gets 400 or 404, so nothing is created or changed.
                request.Content = JsonContent.Create(new JsonObject { ["interests"] = new JsonArray("nonsense") });
            }
        });
    }

    [Fact]
    public async Task staff_cannot_read_or_erase_a_residents_subscription_through_me()
    {
        var sub = SubscriptionTestKit.NewSub("matrix");
        using var resident = f.Resident(sub);
        (await SubscriptionTestKit.PutMe(resident, SubscriptionTestKit.Body(areas: ["bulwell"]))).EnsureSuccessStatusCode();

        foreach (var role in new[] { Roles.Admin, Roles.Communications, Roles.Neighbourhood })
        {
            // Even a staff token that carries the resident's own sub is not a resident's token.
            using var staff = f.As(role, sub);
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/messaging/subscriptions/me")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.DeleteAsync("/api/messaging/subscriptions/me")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await resident.GetAsync("/api/messaging/subscriptions/me")).StatusCode);
    }
}
