using Engagement.Web.Api;

namespace Engagement.Web.Components.Pages.Alerts;

/// <summary>What the communications officer has typed so far; kept whole whatever the API says about it.</summary>
public sealed class AlertForm
{
    public string Type { get; set; } = "warn-and-inform";
    public string Priority { get; set; } = "routine";
    public string[] Areas { get; set; } = [];
    public HashSet<string> Interests { get; } = new(StringComparer.Ordinal);
    public bool Residents { get; set; } = true;
    public bool Kin { get; set; }
    public string KinIssues { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public string WelshSubject { get; set; } = "";
    public string WelshBody { get; set; } = "";
    public string OtherLanguage { get; set; } = "";
    public string OtherSubject { get; set; } = "";
    public string OtherBody { get; set; } = "";

    /// <summary>The other language's code as the API takes it (two letters, lower case), or empty.</summary>
    public string OtherCode => OtherLanguage.Trim().ToLowerInvariant();

    public AlertDraft ToDraft()
    {
        var translations = new Dictionary<string, TranslationDto>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(WelshSubject) || !string.IsNullOrWhiteSpace(WelshBody))
        {
            translations["cy"] = new TranslationDto(WelshSubject, WelshBody);
        }

        if (OtherCode.Length > 0)
        {
            translations[OtherCode] = new TranslationDto(OtherSubject, OtherBody);
        }

        var issues = KinIssues.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new AlertDraft(Type, Priority, new AudienceDto(Areas, Interests.Order(StringComparer.Ordinal).ToList(), Residents, Kin, issues),
            Subject, Body, translations);
    }
}
