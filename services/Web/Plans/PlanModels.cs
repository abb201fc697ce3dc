using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engagement.Web.Plans;

// The plans API's shapes, as the console reads them (GET /api/plans...). The console keeps its own copy of what it
// reads, never the service's types.

public sealed record Metric(string Name, string Definition);

public sealed record Baseline(decimal Value, string Period);

public sealed record Target(decimal Value, DateOnly By);

public sealed record Objective(
    Guid ObjectiveId, string Title, Metric? Metric, Baseline? Baseline, Target? Target, string? DataSource, string Owner, string Engagement);

public sealed record TargetCommunity(string Name, string Basis);

public sealed record Revision(int Number, string Reason, string PublishedBy, DateTimeOffset PublishedAt);

public sealed record PlanView(
    Guid Id, string AreaCode, string Title, DateOnly StartsOn, DateOnly EndsOn, int ReviewEveryMonths, DateOnly NextReviewOn, bool ReviewDue,
    int? PublishedRevision, IReadOnlyList<Objective> Objectives, IReadOnlyList<string> Unpublishable, IReadOnlyList<Revision> Revisions,
    IReadOnlyList<TargetCommunity> TargetCommunities, IReadOnlyList<Measurement> Measurements, long Version);

public sealed record Measurement(Guid ObjectiveId, decimal Value, DateOnly On, string Source);

public sealed record Decision(string Reason, string By, DateTimeOffset At);

public sealed record PartnerReferral(string Partner, string Reference, string Reason, string By, DateTimeOffset At);

public sealed record PriorityAction(Guid ActionId, DateOnly On, string Text, string? Outcome, string By, DateTimeOffset At);

public sealed record PriorityView(
    Guid Id, string AreaCode, string Category, string Issue, DateTimeOffset RaisedAt, int Round, string Status, int Mentions, int? CommunityRank,
    double? Score, int? HarmRank, IReadOnlyDictionary<string, int>? Scores, bool Stale, IReadOnlyList<string> Sources, Decision? Adoption,
    PartnerReferral? Referral, IReadOnlyList<PriorityAction> Actions, Decision? Closure, long Version);

public sealed record Actual(decimal Value, DateOnly On, string Source);

public sealed record ObjectiveEvaluation(
    Guid ObjectiveId, string Title, Metric? Metric, Baseline? Baseline, Target? Target, Actual? Actual, decimal? Progress, int Activities);

public sealed record ActivityCount(string Key, int Activities, int PeopleReached);

public sealed record ActivitySummary(int Total, int PeopleReached, IReadOnlyList<ActivityCount> ByCommunity, IReadOnlyList<ActivityCount> ByChannel, IReadOnlyList<ActivityCount> ByKind);

public sealed record TargetEvaluation(string Name, string Basis, int ActivitiesThisQuarter, DateOnly? LastReachedOn, bool Unreached);

public sealed record RaiserEvaluation(int Raisers, int Told, decimal? ShareTold, decimal? MedianDaysToAction);

public sealed record Quarter(DateOnly From, DateOnly To);

/// <summary>
/// A plan's evaluation. The service may add figures the console does not know yet (the reply clock, votes): they are
/// kept in <see cref="Extra"/> and shown as they come, never required.
/// </summary>
public sealed record PlanEvaluation(
    Guid PlanId, string AreaCode, string Title, DateOnly StartsOn, DateOnly EndsOn, DateOnly AsOf, Quarter CurrentQuarter,
    IReadOnlyList<ObjectiveEvaluation> Objectives, ActivitySummary Activity, IReadOnlyList<TargetEvaluation> TargetCommunities, RaiserEvaluation Raisers,
    IReadOnlyList<string> StalePriorities, IReadOnlyList<string> Notes)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public static class PlanText
{
    public static readonly IReadOnlyList<(string Code, string Name)> Owners =
    [
        ("neighbourhood-policing-team", "Neighbourhood policing team (including Reacher teams)"),
        ("corporate-communications", "Corporate Communications"),
        ("citizens-in-policing", "Citizens in Policing (specials, cadets, volunteers)"),
    ];

    public static readonly IReadOnlyList<(string Code, string Name)> Levels =
    [
        ("inform", "Inform"), ("consult", "Consult"), ("involve", "Involve"), ("collaborate", "Collaborate"), ("empower", "Empower"),
    ];

    public static string Owner(string code) => Owners.FirstOrDefault(o => o.Code == code).Name ?? code;

    public static string Level(string code) => Levels.FirstOrDefault(l => l.Code == code).Name ?? code;

    public static string Status(string status) => status switch
    {
        "candidate" => "Candidate",
        "adopted" => "Adopted",
        "passed-to-partner" => "Passed to a partner",
        "closed" => "Closed",
        _ => status,
    };

    public static string Date(DateOnly d) => d.ToString("d MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en-GB"));

    public static string Number(decimal d) => d.ToString("0.##", System.Globalization.CultureInfo.GetCultureInfo("en-GB"));

    /// <summary>A key such as <c>replyClock</c> or <c>votes_cast</c> in words: "Reply clock".</summary>
    public static string Words(string key)
    {
        var spaced = System.Text.RegularExpressions.Regex.Replace(key.Replace('_', ' ').Replace('-', ' '), "(?<=[a-z])(?=[A-Z])", " ").ToLowerInvariant();
        return spaced.Length == 0 ? key : char.ToUpperInvariant(spaced[0]) + spaced[1..];
    }
}

public sealed record AssessmentDimension(string Name, double Weight);

public sealed record AssessmentScale(int ScaleMax, IReadOnlyList<AssessmentDimension> Dimensions);

/// <summary>What each of MoRiLE's dimensions asks, in plain words; a dimension added in configuration is shown by its name alone.</summary>
public static class AssessmentText
{
    private static readonly Dictionary<string, string> Meanings = new(StringComparer.Ordinal)
    {
        ["physical-harm"] = "Injury or risk to life.",
        ["psychological-harm"] = "Fear, distress or trauma it causes.",
        ["financial-harm"] = "Money or property lost or damaged.",
        ["community-harm"] = "Damage to trust, cohesion or how safe the area feels.",
        ["scope"] = "How many people or places it affects.",
        ["vulnerability"] = "How vulnerable the people affected are.",
        ["likelihood"] = "How likely it is to happen or carry on.",
        ["organisational-position"] = "How well placed the police are to act, rather than another agency.",
        ["confidence"] = "How sure you are of the information behind these scores.",
    };

    public static string? Meaning(string dimension) => Meanings.GetValueOrDefault(dimension);
}

/// <summary>
/// Who sees the plans pages, and who changes what on them. Communications staff and analysts read plans, priorities and
/// evaluations; only the area's neighbourhood team (and admins) change them, so the pages show them no change controls.
/// </summary>
public static class PlanAccess
{
    public const string Readers = "neighbourhood,communications,analyst,admin";

    public static bool CanChange(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(Engagement.ServiceDefaults.Roles.Neighbourhood) || user.IsInRole(Engagement.ServiceDefaults.Roles.Admin);
}

/// <param name="Source"><c>officer</c>, or where it was logged from automatically (<c>surgery:{id}</c>, <c>alert:{id}</c>).</param>
public sealed record ActivityLogged(
    Guid ActivityId, string AreaCode, Guid? PlanId, string Kind, DateOnly On, string Summary, string? TargetCommunity, string Channel,
    Guid? PriorityId, Guid? ObjectiveId, int? PeopleReached, string Source, string LoggedBy, DateTimeOffset LoggedAt);

public static class ActivityText
{
    /// <summary>The kinds the plans API accepts, in the words officers use.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> Kinds =
    [
        ("patrol", "Patrol"), ("surgery", "Surgery"), ("kin-cascade", "KIN cascade (key individuals)"), ("alert", "Alert"),
        ("school-session", "School session"), ("faith-venue-visit", "Faith venue visit"), ("online-post", "Online post"),
    ];

    /// <summary>Channels as the API names them (lower-case words joined by hyphens).</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> Channels =
    [
        ("face-to-face", "Face to face"), ("community-group", "Community group"), ("faith-venue", "Faith venue"), ("email", "Email"), ("sms", "Text message (SMS)"),
        ("whatsapp", "WhatsApp group run by the community"), ("social-media", "Social media"), ("community-radio", "Community radio"),
        ("leaflet", "Leaflet"), ("phone", "Phone"),
    ];

    public static string Kind(string code) => Kinds.FirstOrDefault(k => k.Code == code).Name ?? PlanText.Words(code);

    public static string Channel(string code) => Channels.FirstOrDefault(c => c.Code == code).Name ?? PlanText.Words(code);

    /// <summary>Who logged it: an officer, or the surgery or alert it was logged from automatically.</summary>
    public static string Source(ActivityLogged a) => a.Source switch
    {
        "officer" => $"Logged by {a.LoggedBy}",
        _ when a.Source.StartsWith("surgery:", StringComparison.Ordinal) => "Automatically, from a surgery held",
        _ when a.Source.StartsWith("alert:", StringComparison.Ordinal) => "Automatically, from an alert sent",
        _ => a.Source,
    };
}
