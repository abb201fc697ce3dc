using Engagement.Web.Api;

namespace Engagement.Web.Profiles;

// The analyst's side of the profiles API: named communities and their channel evidence, emerging-community
// candidates, and published versions.

public sealed record CensusCategoryDto(string Table, string Category);

public sealed record CommunityDefinitionDto(IReadOnlyList<CensusCategoryDto> CensusCategories, IReadOnlyList<string> OtherSources);

public sealed record EvidenceDto(
    Guid Id, string Channel, string Kind, string Source, string Confidence, DateOnly ReviewBy, bool Stale, string RecordedBy, DateTimeOffset RecordedAt, string? Notes);

public sealed record CommunityDto(
    Guid Id, string AreaCode, string Name, CommunityDefinitionDto Definition, IReadOnlyList<string> Languages, IReadOnlyList<string> Venues,
    IReadOnlyList<Guid> Intermediaries, IReadOnlyList<EvidenceDto> ChannelEvidence, long Version);

public sealed record SourceSignalDto(string Source, DateOnly PeriodEnd, long Count, long? Baseline, decimal? GrowthPercent, bool Signals);

public sealed record EmergingThresholdsDto(string Version, long MinCount, decimal GrowthPercent, int WindowMonths);

public sealed record CandidateDto(
    string Id, string AreaCode, string Dimension, string Value, string Status, IReadOnlyList<SourceSignalDto> Evidence, EmergingThresholdsDto? Thresholds,
    string? DecidedBy, DateTimeOffset? DecidedAt, string? Reason);

public sealed record GroupCountDto(string Table, string Category, long Count, decimal? Percentage);

public sealed record GroupGrowthDto(string Table, string Category, long Before, long After);

public sealed record ThresholdCrossedDto(string Table, string Category, decimal Threshold, string Direction, decimal? Before, decimal? After);

public sealed record ProfileCountsDto(long Population, long Households, IReadOnlyList<GroupCountDto> Groups, IReadOnlyList<string> NamedCommunities);

public sealed record ProfileDiffDto(
    IReadOnlyList<GroupCountDto> NewGroups, IReadOnlyList<GroupGrowthDto> GrownGroups, IReadOnlyList<ThresholdCrossedDto> ThresholdsCrossed,
    IReadOnlyList<string> NewCommunities);

public sealed record VersionSummaryDto(int Version, ProfileCountsDto Counts, ProfileDiffDto Diff, string PublishedBy, DateTimeOffset PublishedAt, string Reason);

/// <summary>The profiles API's codes in words.</summary>
public static class ProfileWords
{
    public static readonly IReadOnlyDictionary<string, string> Channels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["faith-venue"] = "Faith venue",
        ["community-group"] = "Community group",
        ["community-whatsapp"] = "WhatsApp group run by the community",
        ["community-radio"] = "Community radio",
        ["alert-email"] = "Neighbourhood Alert email",
        ["alert-sms"] = "Neighbourhood Alert text message",
        ["alert-in-app"] = "Neighbourhood Alert in the app",
        ["leaflet-in-language"] = "Leaflet in their language",
        ["face-to-face"] = "Face to face",
        ["social-media"] = "Social media",
        ["other"] = "Other",
    };

    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["asked-directly"] = "Asked directly",
        ["observed"] = "Observed",
        ["iag-advice"] = "Advice from the Independent Advisory Group",
        ["partner-advice"] = "Advice from a partner",
        ["officer-judgement"] = "Officer judgement",
    };

    public static readonly IReadOnlyDictionary<string, string> Confidences = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["low"] = "Low", ["medium"] = "Medium", ["high"] = "High",
    };

    public static readonly IReadOnlyDictionary<string, string> Tables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["TS021"] = "Ethnic group (TS021)",
        ["TS030"] = "Religion (TS030)",
        ["TS054"] = "Tenure (TS054)",
        ["TS024"] = "Main language (TS024, local authority only)",
        ["TS029"] = "Proficiency in English (TS029)",
    };

    public static readonly IReadOnlyDictionary<string, string> CandidateStatuses = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["identified"] = "Waiting for a decision", ["confirmed"] = "Confirmed", ["dismissed"] = "Dismissed",
    };

    public static string Word(IReadOnlyDictionary<string, string> words, string code) => MessagingWords.Word(words, code);

    public static string Date(DateOnly d) => d.ToString("d MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en-GB"));

    public static string Percent(decimal? p) => p is { } v ? v.ToString("0.0", System.Globalization.CultureInfo.GetCultureInfo("en-GB")) + "%" : "-";

    /// <summary>Lines typed one per line (or separated by commas), as the API's lists.</summary>
    public static List<string> Lines(string text, bool commas = false) =>
        text.Split(commas ? ['\n', ','] : ['\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
