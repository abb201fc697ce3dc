using System.Globalization;
using Engagement.ServiceDefaults;

namespace Engagement.Web.Api;

// The messaging API's shapes, as the console reads and writes them (JSON, camelCase).

public sealed record AudienceDto(IReadOnlyList<string> Areas, IReadOnlyList<string> Interests, bool Residents, bool Kin, IReadOnlyList<string> KinIssues);

public sealed record TranslationDto(string Subject, string Body);

public sealed record AlertDraft(
    string Type, string Priority, AudienceDto Audience, string Subject, string Body, IReadOnlyDictionary<string, TranslationDto> Translations);

public sealed record ChannelCountsDto(long InApp, long Email, long Sms);

public sealed record AlertPreviewDto(
    long Recipients, long Residents, long KeyIndividuals, ChannelCountsDto ByChannel, long OverFatigueBudget, long InQuietHours,
    bool FatigueAndQuietHoursApply, int SmsSegments, IReadOnlyDictionary<string, int> SmsSegmentsByLanguage, bool RequiresApproval);

public sealed record AlertCountsDto(IReadOnlyDictionary<string, long> Delivered, long Failed, long Suppressed, long Pending, long Cancelled);

public sealed record AlertStatusDto(
    Guid Id, string Type, string Priority, string Status, string Subject, bool RequiresApproval, string RequestedBy, string? ApprovedBy,
    long Targeted, int BatchesTotal, int BatchesDone, AlertCountsDto Counts, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, long Version)
{
    public bool Finished => Status is "completed" or "cancelled";
}

public sealed record AwaitingApprovalDto(
    Guid Id, string Type, string Priority, string Subject, string Body, IReadOnlyList<string> Languages, AudienceDto Audience, long Targeted,
    string RequestedBy, long Version);

public sealed record InboxMessageDto(
    Guid Id, Guid? AlertId, string Kind, string Subject, string Body, string Language, DateTimeOffset Created, bool Read, DateTimeOffset? ReadAt, bool? Useful);

public sealed record InboxPageDto(IReadOnlyList<InboxMessageDto> Items, int? Page, int PageSize, long Total, long Unread, string? NextCursor);

public sealed record ReplyDto(Guid ReplyId, DateTimeOffset ReceivedAt, DateTimeOffset DueBy);

public sealed record QuietHoursDto(string Start, string End);

public sealed record EmailChannelDto(string Address, bool Verified);

public sealed record SmsChannelDto(string Number);

public sealed record ChannelsDto(bool InApp, EmailChannelDto? Email, SmsChannelDto? Sms);

public sealed record SubscriptionDto(
    string SubscriberId, bool Active, string? Postcode, string? PostcodeArea, IReadOnlyList<string> Areas, IReadOnlyList<string> AlertAreas,
    IReadOnlyList<string> Interests, ChannelsDto Channels, string Language, QuietHoursDto? QuietHours, long Version);

public sealed record SubscriptionRequest(
    string? Postcode, IReadOnlyList<string> Areas, IReadOnlyList<string> Interests, string? Email, string? Phone, string Language, QuietHoursDto? QuietHours);

/// <summary>The words the console uses for the messaging API's codes, and its times, as people read them.</summary>
public static class MessagingWords
{
    /// <summary>The topics residents follow and alerts are tagged with (the API's list), in plain words.</summary>
    public static readonly IReadOnlyDictionary<string, string> Interests = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["burglary"] = "Burglary",
        ["asb"] = "Anti-social behaviour",
        ["fraud"] = "Fraud",
        ["scams"] = "Scams",
        ["road-safety"] = "Road safety",
        ["surgeries"] = "Beat surgeries",
        ["rural-crime"] = "Rural crime",
        ["vehicle-crime"] = "Vehicle crime",
        ["knife-crime"] = "Knife crime",
        ["vawg"] = "Violence against women and girls",
        ["hate-crime"] = "Hate crime",
        ["missing-people"] = "Missing people",
        ["appeals"] = "Appeals for information",
    };

    public static readonly IReadOnlyDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["warn-and-inform"] = "Warn and inform",
        ["crime-prevention"] = "Crime prevention",
        ["information"] = "Information",
        ["appeal"] = "Appeal",
        ["reassurance"] = "Reassurance",
    };

    public static readonly IReadOnlyDictionary<string, string> Statuses = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["awaiting-approval"] = "Awaiting approval",
        ["sending"] = "Sending",
        ["completed"] = "Completed",
        ["cancelled"] = "Cancelled",
    };

    public static readonly IReadOnlyDictionary<string, string> Channels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["in-app"] = "In the app",
        ["email"] = "Email",
        ["sms"] = "Text message (SMS)",
    };

    private static readonly CultureInfo British = CultureInfo.GetCultureInfo("en-GB");

    public static string Word(IReadOnlyDictionary<string, string> words, string code) => words.TryGetValue(code, out var w) ? w : code;

    public static string Language(string code) =>
        code switch { "en" => "English", "cy" => "Welsh (Cymraeg)", _ => TryCulture(code) };

    /// <summary>A time as people in Nottinghamshire read it: London time, such as "3 March 2026, 14:05".</summary>
    public static string Time(DateTimeOffset t) => London.Show(t).ToString("d MMMM yyyy, HH:mm", British);

    public static string Count(long n) => n.ToString("N0", British);

    public static string Count(long n, string one, string many) => $"{Count(n)} {(n == 1 ? one : many)}";

    private static string TryCulture(string code)
    {
        try
        {
            return CultureInfo.GetCultureInfo(code).EnglishName;
        }
        catch (CultureNotFoundException)
        {
            return code;
        }
    }
}
