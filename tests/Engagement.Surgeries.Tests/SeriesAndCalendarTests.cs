using Engagement.Testing;
using Engagement.ServiceDefaults;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.Surgeries.Listing;
using Engagement.Surgeries.Scheduling;

namespace Engagement.Surgeries.Tests;

public sealed class SeriesAndCalendarTests(SurgeriesFixture f) : IClassFixture<SurgeriesFixture>
{
    /// <summary>The last Sunday of the month: when UK clocks change (March forward, October back).</summary>
    private static DateOnly LastSunday(int year, int month)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        return last.AddDays(-(int)last.DayOfWeek);
    }

    private DateOnly NextChange(int month)
    {
        var today = DateOnly.FromDateTime(f.Clock.GetUtcNow().UtcDateTime);
        var change = LastSunday(today.Year, month);
        return change.AddDays(-21) > today ? change : LastSunday(today.Year + 1, month);
    }

    private static object Venue(string name, string postcode) => new { name, address = "Somewhere, Nottingham", postcode, accessible = true };

    [Fact]
    public async Task a_weekly_series_keeps_its_london_time_across_the_march_change_and_rotates_venues()
    {
        var change = NextChange(3);
        using var client = f.Officer();
        var response = await client.PostAsJsonAsync("/api/surgeries/series", new
        {
            areaCode = "bulwell", title = "Tuesday surgery", pattern = new { frequency = "weekly", dayOfWeek = "Tuesday" }, startTime = "18:30",
            durationMinutes = 90, venues = new[] { Venue("Library", "NG6 9AB"), Venue("Community Centre", "NG6 8EZ") },
            from = change.AddDays(-20).ToString("yyyy-MM-dd"), until = change.AddDays(20).ToString("yyyy-MM-dd"),
            capacity = 20, hostOfficer = new { id = "pc-series-march", name = "PC March" },
        });
        var series = await response.BodyAsync();
        var occurrences = series["occurrences"]!.AsArray().Select(o => o!.AsObject()).ToList();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.InRange(occurrences.Count, 5, 6);
        foreach (var o in occurrences)
        {
            var starts = DateTimeOffset.Parse(o["startsAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            var summer = DateOnly.FromDateTime(starts.UtcDateTime) > change;
            Assert.Equal(DayOfWeek.Tuesday, starts.DayOfWeek);
            Assert.Equal(new TimeSpan(18, 30, 0), starts.TimeOfDay);
            Assert.Equal(summer ? TimeSpan.FromHours(1) : TimeSpan.Zero, starts.Offset);
            Assert.Equal(summer ? 17 : 18, starts.UtcDateTime.Hour);
        }

        Assert.Equal(["Library", "Community Centre", "Library"], occurrences.Take(3).Select(o => o["venue"]!["name"]!.GetValue<string>()));
        Assert.Contains(occurrences, o => DateTimeOffset.Parse(o["startsAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).Offset == TimeSpan.Zero);
        Assert.Contains(occurrences, o => DateTimeOffset.Parse(o["startsAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).Offset == TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task a_monthly_nth_weekday_series_keeps_its_london_time_across_the_october_change()
    {
        var change = NextChange(10);
        var from = new DateOnly(change.Year, 9, 1);
        if (from <= DateOnly.FromDateTime(f.Clock.GetUtcNow().UtcDateTime))
        {
            from = DateOnly.FromDateTime(f.Clock.GetUtcNow().UtcDateTime).AddDays(1);
        }

        using var client = f.Officer();
        var response = await client.PostAsJsonAsync("/api/surgeries/series", new
        {
            areaCode = "meadows", title = "Second Wednesday", pattern = new { frequency = "monthly", dayOfWeek = "Wednesday", nth = 2 }, startTime = "19:00",
            durationMinutes = 60, venues = new[] { Venue("Meadows Library", "NG2 2FZ") },
            from = from.ToString("yyyy-MM-dd"), until = new DateOnly(change.Year, 12, 31).ToString("yyyy-MM-dd"),
            capacity = (int?)null, hostOfficer = new { id = "pc-series-october", name = "PC October" },
        });
        var occurrences = (await response.BodyAsync())["occurrences"]!.AsArray().Select(o => o!.AsObject()).ToList();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotEmpty(occurrences);
        foreach (var o in occurrences)
        {
            var starts = DateTimeOffset.Parse(o["startsAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(DayOfWeek.Wednesday, starts.DayOfWeek);
            Assert.InRange(starts.Day, 8, 14);
            Assert.Equal(19, starts.Hour);
            Assert.Equal(DateOnly.FromDateTime(starts.DateTime) < change ? 18 : 19, starts.UtcDateTime.Hour);
        }
    }

    [Fact]
    public void london_times_that_do_not_exist_move_forward_and_repeated_ones_take_summer_time()
    {
        var march = LastSunday(2027, 3);
        var october = LastSunday(2027, 10);
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 1, 30, 0, TimeSpan.Zero), London.At(march, new TimeOnly(1, 30)));
        Assert.Equal(new DateTimeOffset(2027, 10, 31, 0, 30, 0, TimeSpan.Zero), London.At(october, new TimeOnly(1, 30)));
        Assert.Equal(new DateOnly(2027, 1, 26), CreateSeries.Dates(new SeriesPattern("monthly", "Tuesday", -1, null), new DateOnly(2027, 1, 1), new DateOnly(2027, 1, 31)).Single());
    }

    [Fact]
    public async Task a_series_with_a_broken_pattern_is_a_400_naming_the_fields()
    {
        using var client = f.Officer();
        var response = await client.PostAsJsonAsync("/api/surgeries/series", new
        {
            areaCode = "bulwell", title = "Bad", pattern = new { frequency = "fortnightly", dayOfWeek = "Funday" }, startTime = "25:00",
            durationMinutes = 600, venues = Array.Empty<object>(), from = "2001-01-01", until = "2000-01-01",
            hostOfficer = new { id = "pc-x", name = "PC X" },
        });
        var errors = (await response.BodyAsync())["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        foreach (var field in new[] { "pattern.frequency", "pattern.dayOfWeek", "startTime", "durationMinutes", "venues", "from", "until" })
        {
            Assert.True(errors.ContainsKey(field), $"expected an error for {field}: {errors.ToJsonString()}");
        }
    }

    /// <summary>An RFC 5545 reader written from the spec: checks line endings and folding, then unfolds and splits.</summary>
    private static List<Dictionary<string, string>> ParseEvents(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        foreach (var line in text.Split("\r\n"))
        {
            Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"line longer than 75 octets: {line}");
        }

        var unfolded = text.Replace("\r\n ", "", StringComparison.Ordinal).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("BEGIN:VCALENDAR", unfolded[0]);
        Assert.Equal("END:VCALENDAR", unfolded[^1]);
        Assert.Contains("VERSION:2.0", unfolded);
        Assert.Contains(unfolded, l => l.StartsWith("PRODID:", StringComparison.Ordinal));
        var events = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var line in unfolded)
        {
            if (line == "BEGIN:VEVENT")
            {
                current = [];
            }
            else if (line == "END:VEVENT")
            {
                events.Add(current!);
                current = null;
            }
            else if (current is not null)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                current[line[..colon]] = line[(colon + 1)..];
            }
        }

        return events;
    }

    private static string Unescape(string value) =>
        value.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\,", ",", StringComparison.Ordinal)
            .Replace("\\;", ";", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [Fact]
    public async Task the_calendar_feed_parses_bumps_sequence_on_change_and_shows_cancellations()
    {
        using var client = f.Officer();
        var body = f.SurgeryBody("pc-ical", inHours: 72, area: "st-anns", title: "Surgery; with, awkward \\ characters and a long title that must be folded");
        body["venue"]!["notes"] = "Ring the bell — side door, café entrance";
        var s = await (await client.PostAsJsonAsync("/api/surgeries", body)).BodyAsync();
        var other = await f.ScheduleAsync(area: "st-anns", inHours: 80);
        using (var move = new HttpRequestMessage(HttpMethod.Patch, $"/api/surgeries/{s.Id()}") { Content = JsonContent.Create(new { title = body["title"]!.GetValue<string>() + "!" }) })
        {
            move.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(move)).StatusCode);
        }

        await client.PostAsJsonAsync($"/api/surgeries/{other.Id()}/cancel", new { reason = "Clash with a local event" });

        var response = await f.Anonymous().GetAsync("/api/surgeries/areas/st-anns/calendar.ics");
        var events = ParseEvents(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        var changed = events.Single(e => e["UID"] == $"{s.Id()}@surgeries.engagement");
        var cancelled = events.Single(e => e["UID"] == $"{other.Id()}@surgeries.engagement");
        Assert.Equal("1", changed["SEQUENCE"]);
        Assert.Equal("CONFIRMED", changed["STATUS"]);
        Assert.Equal("Surgery; with, awkward \\ characters and a long title that must be folded!", Unescape(changed["SUMMARY"]));
        Assert.Contains("café entrance", Unescape(changed["DESCRIPTION"]), StringComparison.Ordinal);
        Assert.Matches("^[0-9]{8}T[0-9]{6}Z$", changed["DTSTART"]);
        Assert.Equal("CANCELLED", cancelled["STATUS"]);
        Assert.Equal("1", cancelled["SEQUENCE"]);
        Assert.Equal(HttpStatusCode.NotFound, (await f.Anonymous().GetAsync("/api/surgeries/areas/atlantis/calendar.ics")).StatusCode);
    }
}
