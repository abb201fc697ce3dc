using System.Security.Claims;
using Engagement.ServiceDefaults;

namespace Engagement.Web.Components.Layout;

/// <summary>Which pages each role sees in the navigation. The pages themselves say who may open them.</summary>
public static class NavLinks
{
    public sealed record Link(string Href, string Text, string[] Roles);

    public static readonly IReadOnlyList<Link> All =
    [
        new("surgeries", "Surgeries", [Roles.Neighbourhood, Roles.Admin]),
        new("plans", "Plans", [Roles.Neighbourhood, Roles.Communications, Roles.Analyst, Roles.Admin]),
        new("inbox", "Your messages", [Roles.Resident]),
        new("find-a-surgery", "Find a surgery", [Roles.Resident]),
        new("my-bookings", "My bookings", [Roles.Resident]),
        new("census-imports", "Census imports", [Roles.Analyst, Roles.Admin]),
        new("profiles", "Area profiles", [Roles.Neighbourhood, Roles.Communications, Roles.Analyst, Roles.Admin]),
        new("admin/audit-log", "Audit log", [Roles.Admin]),
        new("alerts/new", "Compose an alert", [Roles.Communications, Roles.Neighbourhood, Roles.Admin]),
        new("alerts/approvals", "Approval queue", [Roles.Communications, Roles.Admin]),
        new("subscription", "Your alerts", [Roles.Resident]),
        new("what-i-raised", "What happened to what I raised", [Roles.Resident]),
        new("local-priorities", "Have your say on local priorities", [Roles.Resident]),
        new("kin", "Key individuals", [Roles.Communications, Roles.Neighbourhood, Roles.Admin]),
        new("replies", "Replies", [Roles.Communications, Roles.Neighbourhood, Roles.Admin]),
        new("profiles/emerging", "Emerging communities", [Roles.Analyst, Roles.Admin]),
    ];

    public static IEnumerable<Link> For(ClaimsPrincipal user) => All.Where(l => l.Roles.Any(user.IsInRole));
}
