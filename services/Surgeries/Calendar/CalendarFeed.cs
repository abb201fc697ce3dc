using System.Globalization;
using System.Text;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Marten;

namespace Engagement.Surgeries.Calendar;

/// <summary>
/// An RFC 5545 feed of an area's surgeries that residents subscribe to in their phone's calendar. Each surgery keeps
/// its UID; SEQUENCE goes up with every change, and a cancelled surgery stays in the feed with STATUS:CANCELLED so
/// calendars remove it rather than keep a stale copy.
/// </summary>
public static class CalendarFeed
{
    public static string Render(Area area, IReadOnlyList<SurgeryDocument> surgeries, DateTimeOffset now, string host)
    {
        ArgumentNullException.ThrowIfNull(area);
        ArgumentNullException.ThrowIfNull(surgeries);
        var sb = new StringBuilder();
        Line(sb, "BEGIN:VCALENDAR");
        Line(sb, "VERSION:2.0");
        Line(sb, "PRODID:-//Engagement//Beat surgeries//EN");
        Line(sb, "CALSCALE:GREGORIAN");
        Line(sb, "METHOD:PUBLISH");
        Line(sb, "X-WR-CALNAME:" + Escape($"Beat surgeries: {area.Name}"));
        Line(sb, "X-WR-TIMEZONE:Europe/London");
        foreach (var doc in surgeries)
        {
            var s = doc.State;
            Line(sb, "BEGIN:VEVENT");
            Line(sb, $"UID:{s.Id}@{host}");
            Line(sb, "DTSTAMP:" + Utc(now));
            Line(sb, "DTSTART:" + Utc(s.StartsAt));
            Line(sb, "DTEND:" + Utc(s.EndsAt));
            Line(sb, "SEQUENCE:" + s.Sequence.ToString(CultureInfo.InvariantCulture));
            Line(sb, "SUMMARY:" + Escape(s.Title));
            Line(sb, "LOCATION:" + Escape(SurgeryText.Address(s.Venue)));
            Line(sb, "DESCRIPTION:" + Escape(SurgeryText.Description(s)));
            Line(sb, "STATUS:" + (s.Status == SurgeryStatus.Cancelled ? "CANCELLED" : "CONFIRMED"));
            Line(sb, "END:VEVENT");
        }

        Line(sb, "END:VCALENDAR");
        return sb.ToString();
    }

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>TEXT values escape backslash, semicolon, comma and newline (RFC 5545 3.3.11).</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(";", "\\;", StringComparison.Ordinal)
            .Replace(",", "\\,", StringComparison.Ordinal).Replace("\r\n", "\\n", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    /// <summary>Content lines end in CRLF and are folded at 75 octets, never inside a UTF-8 sequence (RFC 5545 3.1).</summary>
    private static void Line(StringBuilder sb, string line)
    {
        var bytes = 0;
        var limit = 75;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (bytes + size > limit)
            {
                sb.Append("\r\n ");
                bytes = 1;
                limit = 75;
            }

            sb.Append(rune.ToString());
            bytes += size;
        }

        sb.Append("\r\n");
    }

    public static async Task<IResult> Handle(string code, AreaDirectory areas, IQuerySession session, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var area = areas.Find(code) ?? throw new NotFoundException("Area", code);
        var now = clock.GetUtcNow();
        var since = now.AddDays(-30);
        var docs = await session.Query<SurgeryDocument>().Where(d => d.State.AreaCode == code && d.State.EndsAt >= since)
            .OrderBy(d => d.State.StartsAt).Take(1000).ToListAsync(ct);
        var body = Render(area, docs, now, "surgeries.engagement");
        return Results.Text(body, "text/calendar; charset=utf-8", Encoding.UTF8);
    }
}
