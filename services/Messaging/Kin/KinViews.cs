using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Kin;

/// <summary>One member in full, for staff who have said why they are reading it. Times are shown in Europe/London.</summary>
public sealed record KinMemberView(
    Guid Id, string Name, string? Organisation, string RoleInCommunity, IReadOnlyList<string> Areas, IReadOnlyList<string> Issues,
    string? Email, string? Phone, string PreferredChannel, string Language, IReadOnlyList<Consent> Consents, DateOnly ReviewOn, bool ReviewDue,
    IReadOnlyDictionary<string, SensitiveField> Sensitive, DateTimeOffset RegisteredAt, DateTimeOffset UpdatedAt, long Version)
{
    public static KinMemberView From(KinMemberDocument doc, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var p = doc.Person ?? throw new InvalidOperationException("An erased member has no view.");
        return new KinMemberView(doc.MemberId, p.Name, p.Organisation, p.RoleInCommunity, doc.Profile.Areas, doc.Profile.Issues, p.Email, p.Phone,
            doc.Profile.PreferredChannel, doc.Profile.Language, doc.Profile.Consents.Select(c => c with { GivenAt = KinTime.Show(c.GivenAt) }).ToList(),
            doc.Profile.ReviewOn, doc.Profile.ReviewOn <= KinTime.Today(now), p.Sensitive, KinTime.Show(doc.RegisteredAt), KinTime.Show(doc.UpdatedAt), doc.Version);
    }
}

/// <summary>A member in a list: who and what for, but no contact details and no sensitive fields.</summary>
public sealed record KinMemberSummary(
    Guid Id, string Name, string? Organisation, string RoleInCommunity, IReadOnlyList<string> Areas, IReadOnlyList<string> Issues,
    string PreferredChannel, string Language, IReadOnlyList<string> ConsentPurposes, DateOnly ReviewOn, bool ReviewDue)
{
    public static KinMemberSummary From(KinMemberDocument doc, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var p = doc.Person ?? throw new InvalidOperationException("An erased member has no view.");
        return new KinMemberSummary(doc.MemberId, p.Name, p.Organisation, p.RoleInCommunity, doc.Profile.Areas, doc.Profile.Issues,
            doc.Profile.PreferredChannel, doc.Profile.Language, doc.Profile.Consents.Select(c => c.Purpose).ToList(), doc.Profile.ReviewOn,
            doc.Profile.ReviewOn <= KinTime.Today(now));
    }
}

/// <summary>A page of members; <c>next</c> is the link to the following page, or null on the last.</summary>
public sealed record KinMemberPage(IReadOnlyList<KinMemberSummary> Members, string? Next);

/// <summary>Times are stored in UTC and shown in Europe/London.</summary>
public static class KinTime
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static DateTimeOffset Show(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, London);

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(Show(now).DateTime);

    internal static void SetETag(HttpContext http, long version) => http.Response.Headers.ETag = Requests.ETag(version);
}
