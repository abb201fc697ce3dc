using System.Globalization;
using Engagement.Web.Api;

namespace Engagement.Web.Components.Pages.Resident;

/// <summary>A resident's choices as they type them; kept whole whatever the API says about them.</summary>
public sealed class SubscriptionForm
{
    public string Postcode { get; set; } = "";
    public string[] Areas { get; set; } = [];
    public HashSet<string> Interests { get; } = new(StringComparer.Ordinal);
    public bool ByEmail { get; set; }
    public string Email { get; set; } = "";
    public bool BySms { get; set; }
    public string Phone { get; set; } = "";
    public string Language { get; set; } = "en";
    public TimeOnly? QuietStart { get; set; }
    public TimeOnly? QuietEnd { get; set; }

    public static SubscriptionForm From(SubscriptionDto s)
    {
        var form = new SubscriptionForm
        {
            Postcode = s.Postcode ?? "",
            Areas = [.. s.Areas],
            ByEmail = s.Channels.Email is not null,
            Email = s.Channels.Email?.Address ?? "",
            BySms = s.Channels.Sms is not null,
            Phone = s.Channels.Sms?.Number ?? "",
            Language = s.Language,
            QuietStart = Clock(s.QuietHours?.Start),
            QuietEnd = Clock(s.QuietHours?.End),
        };
        form.Interests.UnionWith(s.Interests);
        return form;
    }

    /// <summary>The whole subscription, as PUT takes it: a channel not ticked is left out, which stops it.</summary>
    public SubscriptionRequest ToRequest() => new(
        Blank(Postcode), Areas, Interests.Order(StringComparer.Ordinal).ToList(), ByEmail ? Blank(Email) : null, BySms ? Blank(Phone) : null, Language,
        QuietStart is null && QuietEnd is null ? null : new QuietHoursDto(Clock(QuietStart), Clock(QuietEnd)));

    // Quiet hours are London wall-clock times on the 24-hour clock (HH:mm), as the API takes them.
    private static TimeOnly? Clock(string? hhmm) =>
        TimeOnly.TryParseExact(hhmm, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;

    private static string Clock(TimeOnly? t) => t?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "";

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
