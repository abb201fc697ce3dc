using System.Text.RegularExpressions;

namespace Engagement.Plans.Priorities;

/// <summary>
/// What an imported record's free text may keep. A survey's (or a partner's or an extract's) words become an issue's
/// text, which police.uk shows to anyone and "you said, we did" sends to its raisers, so personal data must never enter
/// it. It is scrubbed on the way in rather than sealed as [PersonalData]: a survey respondent is anonymous, so there is no
/// data subject to key it to or to erase on request, and a sealed summary could not be published. What can be found by
/// its shape is replaced: email addresses, telephone numbers, and full postcodes (cut to their sector, which still
/// places the issue). Names and house numbers cannot be told by shape; exports are to be anonymised at source.
/// </summary>
public static partial class FreeTextScrubber
{
    public const string Removed = "[removed]";

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    // UK numbers: +44 or 0, then 9 or 10 more digits, with spaces, dots, hyphens or brackets between groups.
    [GeneratedRegex(@"(?<![\w+])(?:\+44\s?\(?0?\)?|\(?0)(?:[\s.\-()]*\d){9,10}(?!\d)")]
    private static partial Regex Phone();

    [GeneratedRegex(@"\b([A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-Z]?)\s?([0-9])[ABD-HJLNP-UW-Z]{2}\b", RegexOptions.IgnoreCase)]
    private static partial Regex Postcode();

    public static string Scrub(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scrubbed = Email().Replace(text, Removed);
        scrubbed = Phone().Replace(scrubbed, Removed);
        return Postcode().Replace(scrubbed, m => $"{m.Groups[1].Value.ToUpperInvariant()} {m.Groups[2].Value}");
    }
}
