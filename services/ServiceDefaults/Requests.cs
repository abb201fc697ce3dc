using System.Security.Cryptography;
using System.Text;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Engagement.ServiceDefaults;

/// <summary>What endpoints read from a request beyond its body: If-Match, Idempotency-Key, and the caller's scope.</summary>
public static class Requests
{
    /// <summary>
    /// The stream version If-Match names. A change that must not overwrite someone else's answers 428 without it, and
    /// 400 when it is not a version this API issued (<c>"7"</c> or <c>W/"7"</c>).
    /// </summary>
    public static long RequireIfMatchVersion(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new DomainException(StatusCodes.Status428PreconditionRequired, "if-match-required", "If-Match is required.",
                "Send the ETag you last read in If-Match, so that a change made meanwhile by somebody else is not overwritten.");
        }

        var text = header.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        return long.TryParse(text.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1
            ? version
            : throw new ValidationFailedException(new Dictionary<string, string[]> { ["If-Match"] = ["Use the ETag value returned by this API, such as \"3\"."] });
    }

    /// <summary>The stream version If-Match names, or null when none was sent (decide against the current version).</summary>
    public static long? IfMatchVersion(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return string.IsNullOrWhiteSpace(request.Headers.IfMatch.ToString()) ? null : request.RequireIfMatchVersion();
    }

    /// <summary>The ETag a response carries for a stream version; If-Match sends it back.</summary>
    public static string ETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The id of the resource a create makes. With an Idempotency-Key it is derived from the key and the caller, so a
    /// repeated request names the same resource and gets the first answer instead of making a second one; without
    /// one it is a new Guid v7.
    /// </summary>
    public static Guid ResourceId(this HttpRequest request, string scope)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = request.Headers["Idempotency-Key"].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return Guid.CreateVersion7();
        }

        if (key.Length > 200 || key.Any(char.IsControl))
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["Idempotency-Key"] = ["Use at most 200 printable characters."] });
        }

        var caller = request.HttpContext.User.FindFirst("sub")?.Value ?? "anonymous";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{scope}\n{caller}\n{key}"));
        // Shape the hash as an RFC 9562 version 8 (custom) UUID.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
