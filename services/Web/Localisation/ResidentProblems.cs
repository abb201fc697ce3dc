using System.Globalization;
using System.Text.RegularExpressions;
using Engagement.Web.Api;

namespace Engagement.Web.Localisation;

/// <summary>Words to show, and the language they are in when it is not the page's (<c>lang</c> for that element).</summary>
public readonly record struct Said(string Text, string? Lang);

/// <summary>
/// One message the API may give about a field, in the page's language: <see cref="Field"/> is the API's name for it
/// (<c>*</c> for any field), <see cref="When"/> a pattern the API's English must match (null: any message for that
/// field), and <see cref="Text"/> the words, which may use the pattern's groups (<c>$1</c>).
/// </summary>
public sealed record FieldProblem(string Field, string? When, string Text);

/// <summary>
/// The API's problems (RFC 9457, in English) as a resident reads them: on a Welsh page, the title by problem type or
/// status and each field's message from <see cref="ResidentText.ProblemTitles"/> and <see cref="ResidentText.FieldProblems"/>;
/// anything not translated is shown in the API's English, marked <c>lang="en"</c> so a screen reader says it in English.
/// English pages show the API's own words. A problem a page made itself (no <see cref="ApiProblem.Type"/>) is already
/// in its reader's words.
/// </summary>
public static class ResidentProblems
{
    private const string English = "en";

    /// <summary>The problem's title; on a Welsh page the English detail goes with an untranslated title only.</summary>
    public static (Said Title, Said? Detail) Heading(ApiProblem problem)
    {
        var text = ResidentText.Current;
        if (!text.IsWelsh || problem.Type is null)
        {
            return (new Said(problem.Title, null), problem.Detail is { } d ? new Said(d, null) : null);
        }

        var status = problem.Status >= 500 ? "500" : problem.Status.ToString(CultureInfo.InvariantCulture);
        return text.ProblemTitles.TryGetValue(problem.Type, out var title) || text.ProblemTitles.TryGetValue(status, out title)
            ? (new Said(title, null), null)
            : (new Said(problem.Title, English), problem.Detail is { } detail ? new Said(detail, English) : null);
    }

    /// <summary>One of the API's messages about a field (its name in the API, such as <c>postcode</c>).</summary>
    public static Said Message(ApiProblem problem, string field, string message)
    {
        var text = ResidentText.Current;
        if (!text.IsWelsh || problem.Type is null)
        {
            return new Said(message, null);
        }

        foreach (var rule in text.FieldProblems)
        {
            if (rule.Field != "*" && !string.Equals(rule.Field, field, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (rule.When is null)
            {
                return new Said(rule.Text, null);
            }

            var match = Regex.Match(message, rule.When, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            if (match.Success)
            {
                return new Said(match.Result(rule.Text), null);
            }
        }

        return new Said(message, English);
    }
}
