namespace Engagement.EventStore;

/// <summary>
/// What the caller believes the stream's version is. Version 0 means the stream must not exist yet;
/// <see cref="Any"/> appends whatever the version.
/// </summary>
public readonly record struct ExpectedVersion(long? Value, VersionSource Source = VersionSource.Internal)
{
    public static ExpectedVersion NoStream { get; } = new(0);
    public static ExpectedVersion Any { get; } = new(null);
    public static ExpectedVersion Exactly(long version) => new(version);

    /// <summary>An ETag/If-Match value such as <c>"7"</c> or <c>W/"7"</c>; null when the header does not parse.</summary>
    public static ExpectedVersion? FromIfMatch(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var text = header.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        text = text.Trim('"');
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 1
            ? new ExpectedVersion(v, VersionSource.IfMatch)
            : null;
    }

    public static string ToETag(long version) => $"\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";
}
