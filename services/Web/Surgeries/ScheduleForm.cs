using Engagement.Web.Surgeries.Officer;

namespace Engagement.Web.Surgeries;

/// <summary>What the officer types to schedule a surgery. Kept whole across an error, so nothing typed is lost.</summary>
public sealed class ScheduleForm
{
    public string AreaCode { get; set; } = "";
    public string Title { get; set; } = "";
    public DateOnly? Date { get; set; }
    public TimeOnly? StartTime { get; set; }
    public TimeOnly? EndTime { get; set; }
    public VenueLine Venue { get; set; } = new();
    public bool DropIn { get; set; }
    public int? Capacity { get; set; } = 10;
    public string HostName { get; set; } = "";
    public string Topics { get; set; } = "";

    /// <summary>One key per surgery the officer means to create, so a double click or a retry makes one surgery.</summary>
    public string IdempotencyKey { get; private set; } = Guid.NewGuid().ToString("N");

    /// <summary>The API's request (POST /api/surgeries). Times are London wall-clock, sent with their offset.</summary>
    public object Request(string hostId) => new
    {
        areaCode = AreaCode,
        title = Title,
        startsAt = Date is { } d && StartTime is { } s ? LondonTime.At(d, s) : (DateTimeOffset?)null,
        endsAt = Date is { } d2 && EndTime is { } e ? LondonTime.At(d2, e) : (DateTimeOffset?)null,
        venue = Venue.Request(),
        capacity = DropIn ? null : Capacity,
        hostOfficer = new { id = hostId, name = HostName },
        topics = Topics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    };
}
