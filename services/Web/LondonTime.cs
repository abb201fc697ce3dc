using System.Globalization;
using Engagement.ServiceDefaults;

namespace Engagement.Web;

/// <summary>How the console shows times: in London (the offset in force that day), in words people read easily.</summary>
public static class LondonTime
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static string Date(DateTimeOffset t) => London.Show(t).ToString("dddd d MMMM yyyy", English);

    public static string Time(DateTimeOffset t) => London.Show(t).ToString("h:mmtt", English).ToLowerInvariant();

    public static string Span(DateTimeOffset start, DateTimeOffset end) => $"{Date(start)}, {Time(start)} to {Time(end)}";

    /// <summary>The instant of a London wall-clock date and time, as the API takes it (ISO 8601 with an offset).</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time) => London.At(date, time);

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(London.Show(clock.GetUtcNow()).DateTime);
}
