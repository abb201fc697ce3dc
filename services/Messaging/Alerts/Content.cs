using System.Text.RegularExpressions;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Alerts;

public sealed record AlertRequest(
    string? Type, string? Priority, AudienceQuery.AudienceRequest? Audience, string? Subject, string? Body,
    IReadOnlyDictionary<string, Translation>? Translations);

/// <summary>Validation of an alert's text and the SMS arithmetic residents pay for in segments.</summary>
public static partial class Content
{
    public const int SubjectMax = 120;
    public const int BodyMax = 2000;

    [GeneratedRegex("^[a-z]{2}$")]
    private static partial Regex Language();

    public static (string Type, string Priority, Audience Audience, string Subject, string Body, IReadOnlyDictionary<string, Translation> Translations)
        Validate(AlertRequest request, AreaDirectory areas)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rules = new FieldErrors();
        if (request.Type is null || !Alert.Types.Contains(request.Type))
        {
            rules.Add("type", $"One of: {string.Join(", ", Alert.Types.Order(StringComparer.Ordinal))}.");
        }

        if (request.Priority is not (Alert.Routine or Alert.Urgent))
        {
            rules.Add("priority", "Either 'routine' or 'urgent'.");
        }

        var audience = AudienceQuery.Validate(request.Audience, areas, rules);
        var subject = rules.Text("subject", request.Subject, SubjectMax);
        var body = rules.Text("body", request.Body, BodyMax);
        var translations = new Dictionary<string, Translation>(StringComparer.Ordinal);
        foreach (var (language, t) in request.Translations ?? new Dictionary<string, Translation>())
        {
            if (!Language().IsMatch(language) || language == "en")
            {
                rules.Add($"translations.{language}", "A two-letter ISO 639-1 code other than 'en', such as 'cy' or 'pl'.");
                continue;
            }

            translations[language] = new Translation(
                rules.Text($"translations.{language}.subject", t?.Subject, SubjectMax), rules.Text($"translations.{language}.body", t?.Body, BodyMax));
        }

        rules.ThrowIfAny();
        return (request.Type!, request.Priority!, audience, subject, body, translations);
    }

    // The GSM 03.38 basic character set: anything else forces UCS-2 and shrinks every segment.
    private const string Gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private const string Gsm7Extended = "^{}\\[~]|€";

    /// <summary>The SMS a resident receives: subject, body and the unsubscribe link.</summary>
    public static string SmsText(string subject, string body, string unsubscribeUrl) => $"{subject}: {body} Stop: {unsubscribeUrl}";

    /// <summary>Segments of a concatenated SMS: 160/153 characters in GSM-7 (extended characters count twice), 70/67 in UCS-2.</summary>
    public static int SmsSegments(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.All(c => Gsm7.Contains(c, StringComparison.Ordinal) || Gsm7Extended.Contains(c, StringComparison.Ordinal)))
        {
            var septets = text.Sum(c => Gsm7Extended.Contains(c, StringComparison.Ordinal) ? 2 : 1);
            return septets <= 160 ? 1 : (int)Math.Ceiling(septets / 153.0);
        }

        var units = text.Length;
        return units <= 70 ? 1 : (int)Math.Ceiling(units / 67.0);
    }
}
