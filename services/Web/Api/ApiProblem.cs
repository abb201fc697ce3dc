using System.Net;
using System.Text.Json;

namespace Engagement.Web.Api;

/// <summary>
/// An RFC 9457 problem from the API, as the console shows it: a title and detail at the top of the form, and each
/// entry of <c>errors</c> beside the field it names.
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>
    /// The last segment of the API's problem <c>type</c> (such as <c>already-booked</c>); empty for an API answer with no
    /// type, <c>unreachable</c> when the API did not answer, and null for a problem a page made itself in its reader's words.
    /// </summary>
    public string? Type { get; init; }

    /// <summary>The messages for one field (the API's name for it, such as <c>venue.postcode</c>), or none.</summary>
    public IReadOnlyList<string> For(string field) =>
        Errors.FirstOrDefault(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).Value ?? [];

    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var fallback = new ApiProblem(status, Fallback(response.StatusCode), null, new Dictionary<string, string[]>()) { Type = "" };
        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
        {
            return fallback;
        }

        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = document.RootElement;
            var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in e.EnumerateObject())
                {
                    errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? field.Value.EnumerateArray().Select(v => v.ToString()).ToArray()
                        : [field.Value.ToString()];
                }
            }

            return new ApiProblem(status, Text(root, "title") ?? fallback.Title, Text(root, "detail"), errors)
            {
                Type = Text(root, "type")?.TrimEnd('/').Split('/')[^1] is { Length: > 0 } type && type != "about:blank" ? type : "",
            };
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    public static ApiProblem Unreachable() =>
        new(0, "The service did not answer.", "What you typed is still here; please try again in a moment.", new Dictionary<string, string[]>()) { Type = "unreachable" };

    public static ApiProblem SessionEnded() =>
        new(StatusCodes.Status401Unauthorized, "Your session has ended. Please sign in again.",
            "What you typed is still here: sign in again in a new tab, then try again here.", new Dictionary<string, string[]>())
        {
            Type = "session-ended", // a resident's Welsh page says it in Welsh (ResidentText.ProblemTitles' "401")
        };

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Fallback(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "Your session has ended. Please sign in again.",
        HttpStatusCode.Forbidden => "You do not have permission to do that.",
        HttpStatusCode.NotFound => "That was not found.",
        _ => "Something went wrong.",
    };
}
