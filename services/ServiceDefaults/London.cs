namespace Engagement.ServiceDefaults;

/// <summary>Times are stored in UTC and shown in Europe/London, with the offset in force on that date.</summary>
public static class London
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static DateTimeOffset Show(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, Zone);

    /// <summary>
    /// The instant of a London wall-clock time. A time that does not exist (skipped when the clocks go forward in March)
    /// moves forward by the gap; a time that happens twice (October) is taken at its first occurrence, in summer time.
    /// </summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
