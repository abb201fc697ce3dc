using System.Security.Claims;
using Engagement.ServiceDefaults;

namespace Engagement.Web.SignIn;

/// <summary>The areas a member of staff may act in, by the same rule as the API (<see cref="AreaScope"/>).</summary>
public static class StaffAreas
{
    public static IReadOnlyList<Area> For(ClaimsPrincipal user, AreaDirectory directory) =>
        AreaScope.IsForceWide(user)
            ? directory.All.OrderBy(a => a.Name, StringComparer.Ordinal).ToList()
            : user.Areas().Where(directory.Exists).Select(code => directory.All.First(a => a.Code == code)).ToList();
}
