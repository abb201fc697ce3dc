using System.Globalization;

namespace Engagement.Messaging.Kin;

/// <summary>
/// Finding a member by part of their name. Names are sealed under each member's own key, so PostgreSQL cannot search
/// them: the service decrypts the register within the caller's areas and compares here. The register is a few hundred
/// people, so a scan is cheap; an erased member has no snapshot and no targeting row, so never matches.
/// </summary>
public static class KinNameSearch
{
    public const int MaxLength = 100;

    /// <summary>How many targeting rows are decrypted at a time while a search fills a page.</summary>
    public const int ScanBatch = 200;

    private const CompareOptions Loose = CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace | CompareOptions.IgnoreKanaType | CompareOptions.IgnoreWidth;

    /// <summary>Whether <paramref name="part"/> is in <paramref name="name"/>, ignoring case and accents ("sian" finds "Siân").</summary>
    public static bool Matches(string name, string part) =>
        CultureInfo.InvariantCulture.CompareInfo.IndexOf(name, part, Loose) >= 0;
}
