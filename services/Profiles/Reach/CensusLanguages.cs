namespace Engagement.Profiles.Reach;

/// <summary>
/// Which TS024 main-language categories each language code a resident can choose (ISO 639-1) stands for. Census
/// categories with no single code ("Any other South Asian language", "Other UK language") have none, and Chinese (zh)
/// stands for all three Chinese categories.
/// </summary>
public static class CensusLanguages
{
    public static readonly IReadOnlyDictionary<string, string[]> ByCode = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["en"] = ["English (English or Welsh in Wales)"], ["cy"] = ["Welsh or Cymraeg (in England only)"],
        ["fr"] = ["French"], ["pt"] = ["Portuguese"], ["es"] = ["Spanish"], ["it"] = ["Italian"], ["de"] = ["German"], ["pl"] = ["Polish"],
        ["sk"] = ["Slovak"], ["cs"] = ["Czech"], ["ro"] = ["Romanian"], ["lt"] = ["Lithuanian"], ["lv"] = ["Latvian"], ["hu"] = ["Hungarian"],
        ["bg"] = ["Bulgarian"], ["el"] = ["Greek"], ["nl"] = ["Dutch"], ["sv"] = ["Swedish"], ["da"] = ["Danish"], ["fi"] = ["Finnish"],
        ["et"] = ["Estonian"], ["sl"] = ["Slovenian"], ["mt"] = ["Maltese"], ["sq"] = ["Albanian"], ["uk"] = ["Ukrainian"], ["ru"] = ["Russian"],
        ["tr"] = ["Turkish"], ["ar"] = ["Arabic"], ["he"] = ["Hebrew"], ["ku"] = ["Kurdish"], ["fa"] = ["Persian or Farsi"], ["ps"] = ["Pashto"],
        ["ur"] = ["Urdu"], ["hi"] = ["Hindi"], ["pa"] = ["Panjabi"], ["bn"] = ["Bengali (with Sylheti and Chatgaya)"], ["gu"] = ["Gujarati"],
        ["mr"] = ["Marathi"], ["te"] = ["Telugu"], ["ta"] = ["Tamil"], ["ml"] = ["Malayalam"], ["si"] = ["Sinhala"], ["ne"] = ["Nepalese"],
        ["zh"] = ["Mandarin Chinese", "Cantonese Chinese", "All other Chinese"], ["ja"] = ["Japanese"], ["ko"] = ["Korean"], ["vi"] = ["Vietnamese"],
        ["th"] = ["Thai"], ["ms"] = ["Malay"], ["tl"] = ["Tagalog or Filipino"], ["am"] = ["Amharic"], ["ti"] = ["Tigrinya"], ["so"] = ["Somali"],
        ["ak"] = ["Akan"], ["yo"] = ["Yoruba"], ["ig"] = ["Igbo"], ["sw"] = ["Swahili or Kiswahili"], ["lg"] = ["Luganda"], ["ln"] = ["Lingala"],
        ["sn"] = ["Shona"], ["af"] = ["Afrikaans"], ["yi"] = ["Yiddish"],
    };

    /// <summary>
    /// The codes a community's language names stand for: a code itself ("ro"), or a census category's name, in any case
    /// ("Romanian"). A language with neither (such as "Romani") matches nothing, and no resident can choose it either.
    /// </summary>
    public static IReadOnlyList<string> CodesFor(IEnumerable<string> languages) => languages
        .Select(l => l.Trim())
        .Select(l => ByCode.ContainsKey(l.ToLowerInvariant())
            ? l.ToLowerInvariant()
            : ByCode.FirstOrDefault(x => x.Value.Any(n => string.Equals(n, l, StringComparison.OrdinalIgnoreCase) || n.StartsWith(l + " (", StringComparison.OrdinalIgnoreCase))).Key)
        .OfType<string>()
        .Distinct(StringComparer.Ordinal)
        .ToList();
}
