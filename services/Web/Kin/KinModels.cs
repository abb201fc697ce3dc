using System.Text.Json;
using Engagement.Web.Api;

namespace Engagement.Web.Kin;

// The Key Individual Network API's shapes, as the console reads and writes them (GET/POST/PATCH/DELETE /api/messaging/kin).

public sealed record KinConsentDto(string Purpose, DateTimeOffset GivenAt, string Method, string WordingVersion);

public sealed record KinSensitiveDto(string Value, string Purpose);

public sealed record KinMemberSummaryDto(
    Guid Id, string Name, string? Organisation, string RoleInCommunity, IReadOnlyList<string> Areas, IReadOnlyList<string> Issues,
    string PreferredChannel, string Language, IReadOnlyList<string> ConsentPurposes, DateOnly ReviewOn, bool ReviewDue);

public sealed record KinMemberPageDto(IReadOnlyList<KinMemberSummaryDto> Members, string? Next);

public sealed record KinMemberDto(
    Guid Id, string Name, string? Organisation, string RoleInCommunity, IReadOnlyList<string> Areas, IReadOnlyList<string> Issues,
    string? Email, string? Phone, string PreferredChannel, string Language, IReadOnlyList<KinConsentDto> Consents, DateOnly ReviewOn, bool ReviewDue,
    IReadOnlyDictionary<string, KinSensitiveDto> Sensitive, DateTimeOffset RegisteredAt, DateTimeOffset UpdatedAt, long Version);

/// <summary>
/// Why this person is reading the register: asked once per visit and kept only in the page's circuit on the server
/// (a scoped service), never in the browser. Every read of the register sends it as <c>X-Access-Reason</c>.
/// </summary>
public sealed class KinAccessReason
{
    public const string Header = "X-Access-Reason";

    public string? Reason { get; private set; }

    public bool Given => Reason is not null;

    public void Give(string reason) => Reason = reason.Trim();

    public void Forget() => Reason = null;

    /// <summary>
    /// After a read: a reason the API refused is forgotten and its problem returned, to be shown beside the reason's
    /// field; one typed just now that the API accepted is kept for the rest of the visit.
    /// </summary>
    public ApiProblem? Settle(ApiProblem? problem, string? typed)
    {
        if (problem?.Errors.ContainsKey(Header) == true)
        {
            Forget();
            return problem;
        }

        if (problem is null && typed is not null)
        {
            Give(typed);
        }

        return null;
    }

    /// <summary>The header for a read: with the reason just typed (not kept until the API accepts it), or the one given.</summary>
    public Dictionary<string, string> Headers(string? typed = null) => new() { [Header] = typed ?? Reason ?? "" };
}

/// <summary>The register's codes in the words people read.</summary>
public static class KinWords
{
    public static readonly IReadOnlyDictionary<string, string> Issues = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["serious-violence"] = "Serious violence",
        ["knife-crime"] = "Knife crime",
        ["vawg"] = "Violence against women and girls",
        ["asb"] = "Anti-social behaviour",
        ["burglary"] = "Burglary",
        ["vehicle-crime"] = "Vehicle crime",
        ["robbery"] = "Robbery",
        ["rural-crime"] = "Rural crime",
        ["hate-crime"] = "Hate crime",
        ["fraud"] = "Fraud",
        ["modern-slavery"] = "Modern slavery",
        ["exploitation"] = "Exploitation",
        ["road-safety"] = "Road safety",
        ["community-cohesion"] = "Community cohesion",
        ["youth"] = "Young people",
        ["drugs"] = "Drugs",
    };

    public static readonly IReadOnlyDictionary<string, string> Purposes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["tailored-messages"] = "Messages on the issues they are engaged on",
        ["general-updates"] = "General updates",
        ["incident-reassurance"] = "Reassurance after an incident",
    };

    public static readonly IReadOnlyDictionary<string, string> Methods = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["written"] = "In writing",
        ["email"] = "By email",
        ["online-form"] = "Online form",
        ["in-person"] = "In person",
        ["phone"] = "By phone",
    };

    public static readonly IReadOnlyDictionary<string, string> Channels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["email"] = "Email",
        ["sms"] = "Text message (SMS)",
    };

    public static readonly IReadOnlyList<string> Languages = ["en", "cy", "pl", "ro", "ur", "pa", "ar", "bn", "gu", "so", "ku", "zh", "pt", "lt"];

    public static readonly IReadOnlyDictionary<string, string> Sensitive = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ethnicity"] = "Ethnicity",
        ["faith"] = "Faith",
        ["health"] = "Health",
        ["sexual-orientation"] = "Sexual orientation",
        ["political-opinion"] = "Political opinion",
        ["trade-union-membership"] = "Trade union membership",
    };

    /// <summary>The label of the purpose a special category field is held for.</summary>
    public static string PurposeLabel(string field) => $"Why the register holds their {field.ToLowerInvariant()}";

    public static string List(IReadOnlyDictionary<string, string> words, IEnumerable<string> codes) =>
        string.Join(", ", codes.Select(c => MessagingWords.Word(words, c)));
}

/// <summary>
/// The form for registering or changing a key individual. Consent is one record per purpose agreed to, all given the
/// same way on the same day; the API's errors for any of them land on the matching field here.
/// </summary>
public sealed class KinForm
{
    public const string DefaultWording = "kin-2025-01";

    public string Name { get; set; } = "";
    public string Organisation { get; set; } = "";
    public string RoleInCommunity { get; set; } = "";
    public HashSet<string> Areas { get; set; } = new(StringComparer.Ordinal);
    public HashSet<string> Issues { get; set; } = new(StringComparer.Ordinal);
    public string Email { get; set; } = "";
    public string Phone { get; set; } = "";
    public string PreferredChannel { get; set; } = "email";
    public string Language { get; set; } = "en";
    public HashSet<string> Purposes { get; set; } = new(StringComparer.Ordinal);
    public string ConsentMethod { get; set; } = "";
    public DateOnly? ConsentGivenOn { get; set; }
    public string WordingVersion { get; set; } = DefaultWording;
    public DateOnly? ReviewOn { get; set; }

    /// <summary>Special category data, one entry for each field the register may hold; blank entries are not held.</summary>
    public Dictionary<string, KinSensitiveEntry> Sensitive { get; set; } =
        KinWords.Sensitive.Keys.ToDictionary(k => k, _ => new KinSensitiveEntry(), StringComparer.Ordinal);

    public static KinForm New(DateOnly today) => new() { ConsentGivenOn = today, ReviewOn = today.AddYears(1) };

    public static KinForm From(KinMemberDto m)
    {
        var first = m.Consents.FirstOrDefault();
        return new KinForm
        {
            Name = m.Name, Organisation = m.Organisation ?? "", RoleInCommunity = m.RoleInCommunity,
            Areas = new(m.Areas, StringComparer.Ordinal), Issues = new(m.Issues, StringComparer.Ordinal),
            Email = m.Email ?? "", Phone = m.Phone ?? "", PreferredChannel = m.PreferredChannel, Language = m.Language,
            Purposes = new(m.Consents.Select(c => c.Purpose), StringComparer.Ordinal), ConsentMethod = first?.Method ?? "",
            ConsentGivenOn = first is null ? null : DateOnly.FromDateTime(first.GivenAt.DateTime), WordingVersion = first?.WordingVersion ?? DefaultWording,
            ReviewOn = m.ReviewOn,
            Sensitive = KinWords.Sensitive.Keys.Union(m.Sensitive.Keys).ToDictionary(
                k => k, k => m.Sensitive.TryGetValue(k, out var s) ? new KinSensitiveEntry { Value = s.Value, Purpose = s.Purpose } : new KinSensitiveEntry(),
                StringComparer.Ordinal),
        };
    }

    /// <summary>The request's fields, in the API's names (the body of POST, or the candidates for a merge patch).</summary>
    public Dictionary<string, object?> Fields(DateTimeOffset now) => new(StringComparer.Ordinal)
    {
        ["name"] = Name,
        ["organisation"] = Blank(Organisation),
        ["roleInCommunity"] = RoleInCommunity,
        ["areas"] = Areas.Order(StringComparer.Ordinal).ToList(),
        ["issues"] = Issues.Order(StringComparer.Ordinal).ToList(),
        ["email"] = Blank(Email),
        ["phone"] = Blank(Phone),
        ["preferredChannel"] = PreferredChannel,
        ["language"] = Language,
        ["consents"] = Purposes.Order(StringComparer.Ordinal)
            .Select(p => new { purpose = p, givenAt = GivenAt(now), method = Blank(ConsentMethod), wordingVersion = WordingVersion }).ToList(),
        ["reviewOn"] = ReviewOn,
        ["sensitive"] = Held().ToDictionary(e => e.Key, e => (object?)new { value = Blank(e.Value.Value), purpose = Blank(e.Value.Purpose) }, StringComparer.Ordinal),
    };

    /// <summary>
    /// A JSON merge patch: only the fields that differ from the member as it was read. Special category data merges by
    /// field, so one emptied here is sent as null (removed) and the others that changed are sent whole.
    /// </summary>
    public Dictionary<string, object?> Patch(KinForm original, DateTimeOffset now)
    {
        var before = original.Fields(now);
        var patch = Fields(now).Where(f => !SameJson(f.Value, before[f.Key])).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        if (patch.TryGetValue("sensitive", out var after))
        {
            var held = (Dictionary<string, object?>)after!;
            var was = (Dictionary<string, object?>)before["sensitive"]!;
            patch["sensitive"] = held.Where(e => !was.TryGetValue(e.Key, out var old) || !SameJson(old, e.Value))
                .Concat(was.Keys.Except(held.Keys).Select(k => KeyValuePair.Create(k, (object?)null)))
                .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        }

        return patch;
    }

    private IEnumerable<KeyValuePair<string, KinSensitiveEntry>> Held() =>
        Sensitive.Where(e => !string.IsNullOrWhiteSpace(e.Value.Value) || !string.IsNullOrWhiteSpace(e.Value.Purpose)).OrderBy(e => e.Key, StringComparer.Ordinal);

    /// <summary>Consent given today is now; an earlier day is its London midnight (the API refuses a time in the future).</summary>
    private DateTimeOffset? GivenAt(DateTimeOffset now) =>
        ConsentGivenOn is not { } day ? null : day >= DateOnly.FromDateTime(Engagement.ServiceDefaults.London.Show(now).DateTime) ? now : LondonTime.At(day, TimeOnly.MinValue);

    private static string? Blank(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool SameJson(object? a, object? b) =>
        JsonSerializer.Serialize(a, GatewayApi.Json) == JsonSerializer.Serialize(b, GatewayApi.Json);
}

/// <summary>One item of special category data as the form holds it: the value and the purpose it is held for.</summary>
public sealed class KinSensitiveEntry
{
    public string Value { get; set; } = "";
    public string Purpose { get; set; } = "";
}

/// <summary>The API's names for the form's fields, and its errors gathered onto them.</summary>
public static partial class KinFormErrors
{
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "Full name", ["organisation"] = "Organisation", ["roleInCommunity"] = "Role in the community", ["areas"] = "Areas",
        ["issues"] = "Issues", ["email"] = "Email", ["phone"] = "Phone", ["preferredChannel"] = "How they prefer to be contacted",
        ["language"] = "Language", ["consents"] = "What they agreed to", ["consentMethod"] = "How consent was given",
        ["consentGivenOn"] = "Date consent was given", ["wordingVersion"] = "Version of the consent wording", ["reviewOn"] = "Review date",
        ["body"] = "Changes",
    }.Concat(KinWords.Sensitive.SelectMany(f => new[]
    {
        KeyValuePair.Create($"sensitive.{f.Key}.value", f.Value), KeyValuePair.Create($"sensitive.{f.Key}.purpose", KinWords.PurposeLabel(f.Value)),
    })).ToDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, string> Properties = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = nameof(KinForm.Name), ["organisation"] = nameof(KinForm.Organisation), ["roleInCommunity"] = nameof(KinForm.RoleInCommunity),
        ["areas"] = nameof(KinForm.Areas), ["issues"] = nameof(KinForm.Issues), ["email"] = nameof(KinForm.Email), ["phone"] = nameof(KinForm.Phone),
        ["preferredChannel"] = nameof(KinForm.PreferredChannel), ["language"] = nameof(KinForm.Language), ["consents"] = nameof(KinForm.Purposes),
        ["consentMethod"] = nameof(KinForm.ConsentMethod), ["consentGivenOn"] = nameof(KinForm.ConsentGivenOn),
        ["wordingVersion"] = nameof(KinForm.WordingVersion), ["reviewOn"] = nameof(KinForm.ReviewOn),
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"^consents\[\d+\](\.(purpose|givenAt|method|wordingVersion))?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex ConsentField();

    [System.Text.RegularExpressions.GeneratedRegex(@"^sensitive\.([a-z-]+)\.(value|purpose)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SensitiveField();

    /// <summary>The form's field for an API name, special category data (<c>sensitive.faith.purpose</c>) included.</summary>
    public static Func<string, Microsoft.AspNetCore.Components.Forms.FieldIdentifier?> Field(KinForm form)
    {
        var byName = Components.Shared.ApiErrors.ByName(form, Properties);
        return name => SensitiveField().Match(name) is { Success: true } m && form.Sensitive.TryGetValue(m.Groups[1].Value, out var entry)
            ? new Microsoft.AspNetCore.Components.Forms.FieldIdentifier(entry, m.Groups[2].Value == "value" ? nameof(KinSensitiveEntry.Value) : nameof(KinSensitiveEntry.Purpose))
            : byName(name);
    }

    /// <summary>
    /// The problem with each consent's errors moved onto the one field of the form that sets it for every purpose
    /// (<c>consents[1].method</c> becomes <c>consentMethod</c>), so each shows beside what the person can change.
    /// </summary>
    public static ApiProblem? Gather(ApiProblem? problem)
    {
        if (problem is null)
        {
            return null;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, messages) in problem.Errors)
        {
            var match = ConsentField().Match(name);
            var field = !match.Success ? name : match.Groups[2].Value.ToLowerInvariant() switch
            {
                "givenat" => "consentGivenOn",
                "method" => "consentMethod",
                "wordingversion" => "wordingVersion",
                _ => "consents",
            };
            errors[field] = errors.TryGetValue(field, out var before) ? before.Concat(messages).Distinct().ToArray() : messages;
        }

        return problem with { Errors = errors };
    }
}
