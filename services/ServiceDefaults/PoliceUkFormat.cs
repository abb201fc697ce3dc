using System.Globalization;
using System.Net;
using System.Text;

namespace Engagement.ServiceDefaults;

/// <summary>
/// police.uk's forms, for the anonymous feeds existing police.uk clients read (Plans' priorities, Surgeries' events): the
/// force's id in the path, dates in London wall-clock time with seconds and no offset, and free text as escaped HTML.
/// </summary>
public static class PoliceUkFormat
{
    public const string Force = "nottinghamshire";

    /// <summary>police.uk's date form: London wall-clock time, seconds, no offset.</summary>
    public static string Date(DateTimeOffset at) => London.Show(at).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A day with no time of its own (an action's date) is shown at midnight, as police.uk shows its dates.</summary>
    public static string Date(DateOnly on) => on.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00";

    /// <summary>Our plain text as police.uk's HTML: every character escaped, each line a paragraph.</summary>
    public static string Html(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var html = new StringBuilder();
        foreach (var line in text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(line)).Append("</p>");
        }

        return html.Length == 0 ? "<p></p>" : html.ToString();
    }
}
