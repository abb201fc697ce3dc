using System.Security.Claims;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Kin;

/// <summary>
/// Who may see which members, and why they are looking. Every read of the register states a reason, which goes to the
/// audit log (DPA 2018 s62) with who read what, and when.
/// </summary>
public static class KinAccess
{
    public const string ReasonHeader = "X-Access-Reason";
    public const string ReasonQuery = "reason";
    public const int MinReason = 10;
    public const int MaxReason = 500;

    /// <summary>The reason for a read: the <c>X-Access-Reason</c> header or the <c>reason</c> query parameter.</summary>
    public static string RequireReason(HttpRequest request) =>
        OptionalReason(request) ?? throw ReasonProblem($"Say why you are reading this: send {ReasonHeader} (or ?{ReasonQuery}=), at least {MinReason} characters.");

    /// <summary>A reason a change may give for the audit log; when one is sent it must be a real one.</summary>
    public static string? OptionalReason(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[ReasonHeader].ToString();
        var text = (string.IsNullOrWhiteSpace(header) ? request.Query[ReasonQuery].ToString() : header).Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (text.Length < MinReason)
        {
            throw ReasonProblem($"A reason of at least {MinReason} characters, such as 'reassurance call after the Bulwell incident'.");
        }

        return text.Length > MaxReason ? throw ReasonProblem($"At most {MaxReason} characters.") : text;
    }

    /// <summary>Staff scoped to areas act only on members whose areas all lie within theirs; admins act force-wide.</summary>
    public static void RequireAreas(ClaimsPrincipal user, IEnumerable<string> areas)
    {
        ArgumentNullException.ThrowIfNull(areas);
        foreach (var area in areas)
        {
            user.RequireArea(area);
        }
    }

    /// <summary>The areas a caller's reads are confined to, or null when force-wide.</summary>
    public static string[]? Scope(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.ScopedAreas()?.ToArray();
    }

    private static DomainException ReasonProblem(string message) =>
        new(StatusCodes.Status400BadRequest, "access-reason-required", "An access reason is required.",
            "Every read of the Key Individual Network is logged with its reason (DPA 2018 s62).",
            new Dictionary<string, string[]> { [ReasonHeader] = [message] });
}
