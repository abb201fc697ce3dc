using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Engagement.ServiceDefaults;

/// <summary>
/// Which Neighbourhood Policing Areas a member of staff may act in, and the one place that rule lives. It fails closed:
/// staff act only in the areas their token names in <c>area</c> claims, and a token with no area claim may act in
/// none. Force-wide access has to be asked for explicitly, with the claim <c>area</c> = <c>*</c>
/// (<c>./engage token --force-wide</c>), so an identity provider that drops the claim never grants it by accident.
/// Admins act force-wide by role.
/// </summary>
public static class AreaScope
{
    public const string Claim = "area";

    /// <summary>The <c>area</c> claim value that says force-wide.</summary>
    public const string ForceWide = "*";

    /// <summary>True for admins and for tokens whose <c>area</c> claims include <see cref="ForceWide"/>.</summary>
    public static bool IsForceWide(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsInRole(Roles.Admin) || user.FindAll(Claim).Any(c => c.Value == ForceWide);
    }

    public static bool CanActIn(this ClaimsPrincipal user, string areaCode) =>
        user.IsForceWide() || user.Areas().Contains(areaCode, StringComparer.Ordinal);

    /// <summary>The areas the caller's reads are confined to, or null when force-wide. Empty confines them to nothing.</summary>
    public static IReadOnlyList<string>? ScopedAreas(this ClaimsPrincipal user) => user.IsForceWide() ? null : user.Areas();

    /// <summary>403 <c>outside-your-areas</c> unless the caller may act in <paramref name="areaCode"/>.</summary>
    public static void RequireArea(this ClaimsPrincipal user, string areaCode)
    {
        if (user.CanActIn(areaCode))
        {
            return;
        }

        var areas = user.Areas();
        throw new DomainException(StatusCodes.Status403Forbidden, "outside-your-areas", "This is outside your areas.",
            areas.Count == 0
                ? $"Your token names no area, so it may act in none. Ask for a token that names your areas, or one that says force-wide ({Claim} \"{ForceWide}\")."
                : $"Your account may act for {string.Join(", ", areas)} only.");
    }
}
