using System.Text.RegularExpressions;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Kin;

/// <summary>A key individual as a client sends it (POST), or as a PATCH leaves it once merged.</summary>
public sealed record KinRequest(
    string? Name, string? Organisation, string? RoleInCommunity, IReadOnlyList<string>? Areas, IReadOnlyList<string>? Issues,
    string? Email, string? Phone, string? PreferredChannel, string? Language, IReadOnlyList<ConsentRequest>? Consents, DateOnly? ReviewOn,
    IReadOnlyDictionary<string, SensitiveFieldRequest?>? Sensitive)
{
    public static readonly string[] Fields =
        ["name", "organisation", "roleInCommunity", "areas", "issues", "email", "phone", "preferredChannel", "language", "consents", "reviewOn", "sensitive"];

    public static KinRequest From(KeyIndividual s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var p = s.Person ?? throw new InvalidOperationException("An erased member has nothing to change.");
        return new KinRequest(p.Name, p.Organisation, p.RoleInCommunity, s.Profile.Areas, s.Profile.Issues, p.Email, p.Phone,
            s.Profile.PreferredChannel, s.Profile.Language,
            s.Profile.Consents.Select(c => new ConsentRequest(c.Purpose, c.GivenAt, c.Method, c.WordingVersion)).ToList(), s.Profile.ReviewOn,
            p.Sensitive.ToDictionary(x => x.Key, x => (SensitiveFieldRequest?)new SensitiveFieldRequest(x.Value.Value, x.Value.Purpose), StringComparer.Ordinal));
    }
}

public sealed record ConsentRequest(string? Purpose, DateTimeOffset? GivenAt, string? Method, string? WordingVersion);

public sealed record SensitiveFieldRequest(string? Value, string? Purpose);

/// <summary>
/// The rules every key individual keeps, whether registered or changed. Every broken rule is reported at once, each
/// against its field; nothing is written unless all pass.
/// </summary>
public sealed partial class KinRules : FieldErrors
{
    /// <summary>The force's priorities (Police and Crime Plan, community safety partnership) a member can be engaged on.</summary>
    public static readonly IReadOnlyList<string> Issues =
    [
        "serious-violence", "knife-crime", "vawg", "asb", "burglary", "vehicle-crime", "robbery", "rural-crime", "hate-crime", "fraud",
        "modern-slavery", "exploitation", "road-safety", "community-cohesion", "youth", "drugs",
    ];

    /// <summary>What a key individual can consent to: tailored messages, general updates, reassurance after an incident.</summary>
    public static readonly IReadOnlyList<string> ConsentPurposes = ["tailored-messages", "general-updates", "incident-reassurance"];

    public static readonly IReadOnlyList<string> ConsentMethods = ["written", "email", "online-form", "in-person", "phone"];

    /// <summary>Special category data (DPA 2018 s35) the register may hold, each only with a stated purpose.</summary>
    public static readonly IReadOnlyList<string> SensitiveFields =
        ["ethnicity", "faith", "health", "sexual-orientation", "political-opinion", "trade-union-membership"];

    /// <summary>In-app is for residents, who have an inbox; key individuals are reached by email or SMS.</summary>
    public static readonly IReadOnlyList<string> Channels = ["email", "sms"];

    private const int MinPurpose = 10;
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();

    // UK geographic (01, 02), non-geographic (03) and mobile (07) numbers, national form.
    [GeneratedRegex(@"^0[1237][0-9]{8,9}$")]
    private static partial Regex UkNumber();

    [GeneratedRegex(@"^\+447[1-57-9][0-9]{8}$")]
    private static partial Regex UkMobile();

    [GeneratedRegex("^[a-z]{2}$")]
    private static partial Regex LanguageShape();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    private static partial Regex WordingVersionShape();

    public static (KinPerson Person, KinProfile Profile) Validate(KinRequest request, DateTimeOffset now, AreaDirectory areas, bool reviewOnMustBeFuture = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(areas);
        var rules = new KinRules();
        var name = rules.Text("name", request.Name, 120);
        var organisation = rules.Text("organisation", request.Organisation, 200, required: false);
        var role = rules.Text("roleInCommunity", request.RoleInCommunity, 120);
        var areaCodes = rules.Areas(request.Areas, areas);
        var issues = rules.IssueList(request.Issues);
        var email = rules.Email(request.Email);
        var phone = rules.Phone(request.Phone);
        var channel = rules.Channel(request.PreferredChannel, request.Email, email, request.Phone, phone);
        var language = rules.Language(request.Language);
        var consents = rules.Consents(request.Consents, now);
        var reviewOn = rules.ReviewOn(request.ReviewOn, now, reviewOnMustBeFuture);
        var sensitive = rules.Sensitive(request.Sensitive);
        rules.ThrowIfAny();
        return (new KinPerson(name, organisation.Length == 0 ? null : organisation, role, email, phone, sensitive),
            new KinProfile(areaCodes, issues, channel, language, consents, reviewOn!.Value));
    }

    /// <summary>A UK number in E.164 (+44...), from the ways people write them; null when it is not one.</summary>
    public static string? NormalisePhone(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var s = new string(raw.Where(c => !char.IsWhiteSpace(c) && c is not '-' and not '(' and not ')' and not '.').ToArray());
        if (s.StartsWith("+44", StringComparison.Ordinal))
        {
            s = "0" + s[3..];
        }
        else if (s.StartsWith("0044", StringComparison.Ordinal))
        {
            s = "0" + s[4..];
        }

        // "+44 (0)115 ..." leaves a doubled trunk zero.
        if (s.StartsWith("00", StringComparison.Ordinal))
        {
            s = s[1..];
        }

        return UkNumber().IsMatch(s) ? "+44" + s[1..] : null;
    }

    public static bool IsMobile(string? e164) => e164 is not null && UkMobile().IsMatch(e164);

    private List<string> Areas(IReadOnlyList<string>? codes, AreaDirectory areas)
    {
        var list = (codes ?? []).Select(c => c?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            Add("areas", "At least one Neighbourhood Policing Area.");
        }

        foreach (var code in list.Where(c => !areas.Exists(c)))
        {
            Add("areas", $"'{code}' is not a Neighbourhood Policing Area. GET /api/messaging/areas lists them.");
        }

        return list.Order(StringComparer.Ordinal).ToList();
    }

    private List<string> IssueList(IReadOnlyList<string>? issues)
    {
        var list = (issues ?? []).Select(i => i?.Trim().ToLowerInvariant() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            Add("issues", "At least one issue the member is engaged on.");
        }

        foreach (var issue in list.Where(i => !Issues.Contains(i)))
        {
            Add("issues", $"'{issue}' is not one of the force's priorities: {string.Join(", ", Issues)}.");
        }

        return list.Order(StringComparer.Ordinal).ToList();
    }

    private string? Email(string? raw)
    {
        var v = raw?.Trim() ?? "";
        if (v.Length == 0)
        {
            return null;
        }

        if (v.Length > 254 || !EmailShape().IsMatch(v))
        {
            Add("email", "Must be an email address, such as name@example.org.");
            return null;
        }

        return v;
    }

    private string? Phone(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var phone = NormalisePhone(raw);
        if (phone is null)
        {
            Add("phone", "Must be a UK phone number, such as 0115 496 0123 or 07700 900123.");
        }

        return phone;
    }

    private string Channel(string? raw, string? emailSent, string? email, string? phoneSent, string? phone)
    {
        var channel = raw?.Trim().ToLowerInvariant() ?? "";
        if (channel.Length == 0)
        {
            Add("preferredChannel", "Required: email or sms.");
        }
        else if (channel == Delivery.Channel.InApp)
        {
            Add("preferredChannel", "In-app is for residents only; a key individual is contacted by email or sms.");
        }
        else if (!Channels.Contains(channel))
        {
            Add("preferredChannel", "Must be email or sms.");
        }
        else if (channel == Delivery.Channel.Email && email is null && string.IsNullOrWhiteSpace(emailSent))
        {
            Add("preferredChannel", "email needs an email address.");
        }
        else if (channel == Delivery.Channel.Sms && phone is null && string.IsNullOrWhiteSpace(phoneSent))
        {
            Add("preferredChannel", "sms needs a UK mobile number in phone.");
        }
        else if (channel == Delivery.Channel.Sms && phone is not null && !IsMobile(phone))
        {
            Add("preferredChannel", "sms needs a UK mobile number (07...); phone is not one.");
        }

        return channel;
    }

    private string Language(string? raw)
    {
        var language = raw?.Trim().ToLowerInvariant() ?? "";
        if (language.Length == 0)
        {
            return "en";
        }

        if (!LanguageShape().IsMatch(language))
        {
            Add("language", "An ISO 639-1 code of two letters, such as en, cy, pl, ur, pa, ro or ar.");
        }

        return language;
    }

    private List<Consent> Consents(IReadOnlyList<ConsentRequest>? consents, DateTimeOffset now)
    {
        var result = new List<Consent>();
        if (consents is null || consents.Count == 0)
        {
            Add("consents", $"At least one purpose consented to, with its evidence: {string.Join(", ", ConsentPurposes)}.");
            return result;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < consents.Count; i++)
        {
            var field = $"consents[{i}]";
            if (consents[i] is not { } c)
            {
                Add(field, "Required.");
                continue;
            }

            var purpose = c.Purpose?.Trim().ToLowerInvariant() ?? "";
            if (!ConsentPurposes.Contains(purpose))
            {
                Add(field + ".purpose", $"Must be one of {string.Join(", ", ConsentPurposes)}.");
            }
            else if (!seen.Add(purpose))
            {
                Add(field + ".purpose", "Each purpose once.");
            }

            if (c.GivenAt is null)
            {
                Add(field + ".givenAt", "Required: when consent was given, ISO 8601 with an offset.");
            }
            else if (c.GivenAt > now + ClockSkew)
            {
                Add(field + ".givenAt", "Cannot be in the future.");
            }

            var method = c.Method?.Trim().ToLowerInvariant() ?? "";
            if (!ConsentMethods.Contains(method))
            {
                Add(field + ".method", $"How consent was given: one of {string.Join(", ", ConsentMethods)}.");
            }

            var wording = c.WordingVersion?.Trim() ?? "";
            if (!WordingVersionShape().IsMatch(wording))
            {
                Add(field + ".wordingVersion", "Required: the version of the consent wording agreed to, such as kin-2025-01 (letters, digits, '.', '_', '-').");
            }

            result.Add(new Consent(purpose, c.GivenAt?.ToUniversalTime() ?? default, method, wording));
        }

        return result;
    }

    private DateOnly? ReviewOn(DateOnly? reviewOn, DateTimeOffset now, bool mustBeFuture)
    {
        if (reviewOn is null)
        {
            Add("reviewOn", "Required: the date to review this record and its consent, such as 2026-09-01.");
        }
        else if (mustBeFuture && reviewOn <= KinTime.Today(now))
        {
            Add("reviewOn", "Must be in the future.");
        }

        return reviewOn;
    }

    private Dictionary<string, SensitiveField> Sensitive(IReadOnlyDictionary<string, SensitiveFieldRequest?>? sensitive)
    {
        var result = new Dictionary<string, SensitiveField>(StringComparer.Ordinal);
        foreach (var (key, value) in sensitive ?? new Dictionary<string, SensitiveFieldRequest?>())
        {
            if (value is null)
            {
                continue;
            }

            var field = $"sensitive.{key}";
            if (!SensitiveFields.Contains(key))
            {
                Add(field, $"Not a field this register holds; it may hold {string.Join(", ", SensitiveFields)}.");
                continue;
            }

            var v = Text(field + ".value", value.Value, 200);
            var purpose = value.Purpose?.Trim() ?? "";
            if (purpose.Length < MinPurpose)
            {
                Add(field + ".purpose", $"State the purpose this is processed for (DPA 2018 s35), in at least {MinPurpose} characters.");
            }
            else if (purpose.Length > 500)
            {
                Add(field + ".purpose", "At most 500 characters.");
            }

            result[key] = new SensitiveField(v, purpose);
        }

        return result;
    }
}
