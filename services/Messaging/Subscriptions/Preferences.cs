using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Subscriptions;

public sealed record QuietHoursRequest(string? Start, string? End);

/// <summary>
/// PUT /api/messaging/subscriptions/me: the whole subscription. What is left out is not wanted: leaving out the email
/// or phone stops that channel and forgets the address or number.
/// </summary>
public sealed record SubscribeRequest(
    string? Postcode,
    IReadOnlyList<string?>? Areas,
    IReadOnlyList<string?>? Interests,
    string? Email,
    string? Phone,
    string? Language,
    QuietHoursRequest? QuietHours);

/// <summary>A request that has passed every rule, normalised: postcode "NG6 8AB", phone "+447700900123", codes lower case.</summary>
public sealed record Preferences(
    string? Postcode,
    string? PostcodeArea,
    IReadOnlyList<string> Areas,
    IReadOnlyList<string> Interests,
    string? Email,
    string? Phone,
    string Language,
    string? QuietStart,
    string? QuietEnd);

/// <summary>The topics a resident can follow; the same list alerts are tagged with (AudienceQuery.Interests).</summary>
public static class Interests
{
    public static readonly IReadOnlyList<string> All =
    [
        "burglary", "asb", "fraud", "road-safety", "surgeries", "rural-crime", "vehicle-crime", "knife-crime", "vawg",
        "hate-crime", "scams", "missing-people", "appeals",
    ];
}

/// <summary>
/// The language a resident reads: any ISO 639-1 code (two letters, lower case). Alerts are written in English and
/// translated into what staff choose, and a resident whose language an alert lacks gets English; so this is a preference
/// to honour where we can, and an unknown code (a typo) is refused rather than silently never matched.
/// </summary>
public static class Languages
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>((
        "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy " +
        "da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht " +
        "hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky " +
        "la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny " +
        "oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss " +
        "st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo " +
        "za zh zu").Split(' '), StringComparer.Ordinal);
}

public static partial class SubscriptionRules
{
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();

    [GeneratedRegex("^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    private static partial Regex ClockTime();

    // A UK mobile after its prefix (0, 44 or +44): 7 then nine digits, but not 070 (personal numbers) or 076 (pagers),
    // except 07624, the Isle of Man's mobiles.
    [GeneratedRegex("^7(?:[1-57-9][0-9]{8}|624[0-9]{6})$")]
    private static partial Regex UkMobile();

    public const int MaxAreas = 20;

    /// <summary>Every broken rule, each against its field, in one 400; nothing is saved unless all pass.</summary>
    public static Preferences Validate(SubscribeRequest? request, AreaDirectory areas)
    {
        ArgumentNullException.ThrowIfNull(areas);
        var errors = new FieldErrors();
        if (request is null)
        {
            errors.Add("body", "Required: at least a postcode or areas, and interests.");
            errors.ThrowIfAny();
        }

        var r = request!;
        string? postcode = null;
        string? postcodeArea = null;
        if (!string.IsNullOrWhiteSpace(r.Postcode))
        {
            postcode = AreaDirectory.NormalisePostcode(r.Postcode);
            if (postcode is null)
            {
                errors.Add("postcode", "Not a valid UK postcode; write it like NG6 8AB.");
            }
            else if (areas.ForPostcode(postcode) is { } area)
            {
                postcodeArea = area.Code;
            }
            else
            {
                errors.Add("postcode", $"{postcode} is outside every Nottinghamshire Neighbourhood Policing Area, so it cannot choose your area. Choose areas instead (GET /api/messaging/areas lists them).");
            }
        }

        var chosen = new List<string>();
        foreach (var code in r.Areas ?? [])
        {
            var c = code?.Trim().ToLowerInvariant() ?? "";
            if (!areas.Exists(c))
            {
                errors.Add("areas", $"'{code}' is not a Neighbourhood Policing Area (GET /api/messaging/areas lists them).");
            }
            else if (!chosen.Contains(c))
            {
                chosen.Add(c);
            }
        }

        if (chosen.Count > MaxAreas)
        {
            errors.Add("areas", $"At most {MaxAreas} areas.");
        }

        if (string.IsNullOrWhiteSpace(r.Postcode) && (r.Areas ?? []).Count == 0)
        {
            errors.Add("areas", "Give a postcode, or at least one area, or both.");
        }

        var interests = new List<string>();
        if (r.Interests is null || r.Interests.Count == 0)
        {
            errors.Add("interests", $"Required: at least one of {string.Join(", ", Interests.All)}.");
        }

        foreach (var interest in r.Interests ?? [])
        {
            var i = interest?.Trim().ToLowerInvariant() ?? "";
            if (!Interests.All.Contains(i))
            {
                errors.Add("interests", $"'{interest}' is not an interest. Choose from {string.Join(", ", Interests.All)}.");
            }
            else if (!interests.Contains(i))
            {
                interests.Add(i);
            }
        }

        var email = Email(r.Email, errors);
        var phone = Phone(r.Phone, errors);

        var language = string.IsNullOrWhiteSpace(r.Language) ? "en" : r.Language.Trim().ToLowerInvariant();
        if (!Languages.All.Contains(language))
        {
            errors.Add("language", $"'{r.Language}' is not an ISO 639-1 language code; use two letters such as en, cy, pl, ur, pa, ro or ar.");
        }

        var (quietStart, quietEnd) = QuietHours(r.QuietHours, errors);
        errors.ThrowIfAny();
        return new Preferences(postcode, postcodeArea, chosen, interests, email, phone, language, quietStart, quietEnd);
    }

    private static string? Email(string? value, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var email = value.Trim();
        if (email.Length > 254 || !EmailShape().IsMatch(email) || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            errors.Add("email", "Not a valid email address, such as name@example.com.");
            return null;
        }

        var at = email.LastIndexOf('@');
        return email[..at] + email[at..].ToLowerInvariant();
    }

    /// <summary>A UK mobile number in E.164 (+447700900123), or null when it is not one.</summary>
    public static string? NormaliseMobile(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var digits = new string(value.Where(c => !char.IsWhiteSpace(c) && c is not '-' and not '(' and not ')' and not '.').ToArray());
        var international = digits.StartsWith("+44", StringComparison.Ordinal) ? digits[3..]
            : digits.StartsWith("0044", StringComparison.Ordinal) ? digits[4..]
            : digits.StartsWith("44", StringComparison.Ordinal) && digits.Length >= 12 ? digits[2..]
            : null;
        // "+44 (0)7700 900123" is how many people write it: the trunk 0 after the country code is dropped.
        var national = international is not null
            ? international.StartsWith('0') ? international[1..] : international
            : digits.StartsWith('0') ? digits[1..] : null;
        return national is not null && UkMobile().IsMatch(national) ? "+44" + national : null;
    }

    private static string? Phone(string? value, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var phone = NormaliseMobile(value);
        if (phone is null)
        {
            errors.Add("phone", "Not a UK mobile number; write it like 07700 900123 or +44 7700 900123.");
        }

        return phone;
    }

    private static (string? Start, string? End) QuietHours(QuietHoursRequest? quiet, FieldErrors errors)
    {
        if (quiet is null || (string.IsNullOrWhiteSpace(quiet.Start) && string.IsNullOrWhiteSpace(quiet.End)))
        {
            return (null, null);
        }

        var start = quiet.Start?.Trim() ?? "";
        var end = quiet.End?.Trim() ?? "";
        var ok = true;
        foreach (var (field, value) in new[] { ("quietHours.start", start), ("quietHours.end", end) })
        {
            if (!ClockTime().IsMatch(value))
            {
                errors.Add(field, "A London time as HH:mm on the 24-hour clock, such as 22:00; both start and end are needed.");
                ok = false;
            }
        }

        if (ok && start == end)
        {
            errors.Add("quietHours", "Start and end must differ. A window may run past midnight, such as 22:00 to 07:00.");
        }

        return ok ? (start, end) : (null, null);
    }

    public static TimeOnly? Time(string? hhmm) =>
        hhmm is null ? null : TimeOnly.ParseExact(hhmm, "HH:mm", CultureInfo.InvariantCulture);
}
