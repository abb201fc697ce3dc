using System.Globalization;
using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.Scheduling;

/// <summary>weekly (every <c>intervalWeeks</c> weeks on <c>dayOfWeek</c>) or monthly (the <c>nth</c> <c>dayOfWeek</c>; -1 is the last).</summary>
public sealed record SeriesPattern(string? Frequency, string? DayOfWeek, int? Nth, int? IntervalWeeks);

public sealed record CreateSeriesRequest(
    string? AreaCode, string? Title, SeriesPattern? Pattern, string? StartTime, int? DurationMinutes, IReadOnlyList<VenueRequest>? Venues,
    DateOnly? From, DateOnly? Until, int? Capacity, HostOfficerRequest? HostOfficer, IReadOnlyList<string>? Topics);

public sealed record SeriesView(Guid SeriesId, string Pattern, IReadOnlyList<SurgeryView> Occurrences);

public static class CreateSeries
{
    public const int MaxOccurrences = 104;

    /// <summary>
    /// The dates of a series. Times are London wall-clock times: a 18:30 surgery stays at 18:30 after the clocks change,
    /// so its UTC instant moves by an hour in late March and late October.
    /// </summary>
    public static IReadOnlyList<DateOnly> Dates(SeriesPattern pattern, DateOnly from, DateOnly until)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var day = Enum.Parse<DayOfWeek>(pattern.DayOfWeek!, ignoreCase: true);
        var dates = new List<DateOnly>();
        if (string.Equals(pattern.Frequency, "weekly", StringComparison.OrdinalIgnoreCase))
        {
            var first = from.AddDays(((int)day - (int)from.DayOfWeek + 7) % 7);
            for (var d = first; d <= until && dates.Count <= MaxOccurrences; d = d.AddDays(7 * (pattern.IntervalWeeks ?? 1)))
            {
                dates.Add(d);
            }
        }
        else
        {
            for (var month = new DateOnly(from.Year, from.Month, 1); month <= until && dates.Count <= MaxOccurrences; month = month.AddMonths(1))
            {
                var d = NthWeekday(month.Year, month.Month, day, pattern.Nth!.Value);
                if (d >= from && d <= until)
                {
                    dates.Add(d);
                }
            }
        }

        return dates;
    }

    private static DateOnly NthWeekday(int year, int month, DayOfWeek day, int nth)
    {
        if (nth == -1)
        {
            var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
            return last.AddDays(-(((int)last.DayOfWeek - (int)day + 7) % 7));
        }

        var first = new DateOnly(year, month, 1);
        return first.AddDays(((int)day - (int)first.DayOfWeek + 7) % 7 + (7 * (nth - 1)));
    }

    public static (string Pattern, IReadOnlyList<SurgeryScheduled> Occurrences) Decide(Guid seriesId, CreateSeriesRequest request, DateTimeOffset now, AreaDirectory areas, string by)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rules = new Rules();
        rules.Area("areaCode", request.AreaCode, areas);
        rules.Text("title", request.Title, 200);
        rules.Capacity(request.Capacity);
        rules.Host(request.HostOfficer);
        rules.Topics(request.Topics);
        var p = request.Pattern;
        if (p is null)
        {
            rules.Add("pattern", "Required.");
        }
        else
        {
            if (p.Frequency is not ("weekly" or "monthly"))
            {
                rules.Add("pattern.frequency", "Either 'weekly' or 'monthly'.");
            }

            if (!Enum.TryParse<DayOfWeek>(p.DayOfWeek, ignoreCase: true, out _) || int.TryParse(p.DayOfWeek, out _))
            {
                rules.Add("pattern.dayOfWeek", "A day such as 'Tuesday'.");
            }

            if (p.Frequency == "monthly" && p.Nth is not (1 or 2 or 3 or 4 or -1))
            {
                rules.Add("pattern.nth", "1 to 4 for the first to fourth, or -1 for the last, of the month.");
            }

            if (p.Frequency == "weekly" && p.IntervalWeeks is < 1 or > 8)
            {
                rules.Add("pattern.intervalWeeks", "Between 1 and 8.");
            }
        }

        if (!TimeOnly.TryParseExact(request.StartTime, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var startTime))
        {
            rules.Add("startTime", "A London time such as 18:30.");
        }

        if (request.DurationMinutes is not { } minutes || minutes < 15 || minutes > Rules.MaxDuration.TotalMinutes)
        {
            rules.Add("durationMinutes", "Between 15 and 480 minutes.");
        }

        if (request.Venues is not { Count: > 0 } venues || venues.Count > 12)
        {
            rules.Add("venues", "One to twelve venues, used in rotation.");
        }
        else
        {
            for (var i = 0; i < venues.Count; i++)
            {
                rules.Venue($"venues[{i}]", venues[i]);
            }
        }

        var today = DateOnly.FromDateTime(London.Show(now).DateTime);
        if (request.From is not { } from || from <= today)
        {
            rules.Add("from", "A date after today.");
        }

        if (request.Until is not { } until || (request.From is { } f && (until < f || until > f.AddYears(2))))
        {
            rules.Add("until", "On or after from, and within two years of it.");
        }

        rules.ThrowIfAny();
        var dates = Dates(p!, request.From!.Value, request.Until!.Value);
        if (dates.Count == 0)
        {
            rules.Add("pattern", "No dates fall between from and until.");
        }
        else if (dates.Count > MaxOccurrences)
        {
            rules.Add("until", $"A series has at most {MaxOccurrences} occurrences; shorten the range.");
        }

        rules.ThrowIfAny();
        var pattern = p!.Frequency == "weekly"
            ? $"every {(p.IntervalWeeks is > 1 ? $"{p.IntervalWeeks} weeks" : "week")} on {p.DayOfWeek} at {request.StartTime}"
            : $"the {(p.Nth == -1 ? "last" : Ordinal(p.Nth!.Value))} {p.DayOfWeek} of each month at {request.StartTime}";
        var occurrences = dates.Select((d, i) =>
        {
            var starts = London.At(d, startTime);
            var one = new ScheduleSurgeryRequest(request.AreaCode, request.Title, starts, starts.AddMinutes(request.DurationMinutes!.Value),
                request.Venues![i % request.Venues.Count], request.Capacity, request.HostOfficer, request.Topics);
            return ScheduleSurgery.Decide(OccurrenceId(seriesId, i), one, now, areas, by, seriesId);
        }).ToList();
        return (pattern, occurrences);
    }

    private static string Ordinal(int n) => n switch { 1 => "first", 2 => "second", 3 => "third", _ => "fourth" };

    /// <summary>Occurrence ids follow from the series id, so a repeated request names the same surgeries.</summary>
    private static Guid OccurrenceId(Guid seriesId, int index)
    {
        var bytes = seriesId.ToByteArray();
        var hash = System.Security.Cryptography.SHA256.HashData([.. bytes, .. BitConverter.GetBytes(index)]);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public static string StreamId(Guid id) => $"series-{id}";

    public static async Task<Results<Created<SeriesView>, Ok<SeriesView>>> Handle(
        CreateSeriesRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, IQuerySession query, EventStoreSettings settings,
        AreaDirectory areas, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var seriesId = http.Request.ResourceId("create-series");
        await CommandPath.RunAsync(store, async (session, t) =>
        {
            if (await session.Events.FetchStreamStateAsync(StreamId(seriesId), t) is not null)
            {
                // The same Idempotency-Key again (or a concurrent twin that won): the first answer, not a second series.
                return false;
            }

            var (pattern, occurrences) = Decide(seriesId, request, clock.GetUtcNow(), areas, user.SubjectId());
            user.RequireArea(request.AreaCode!);
            session.Events.StartStream(StreamId(seriesId),
                new SeriesCreated(seriesId, request.AreaCode!, occurrences[0].Title, pattern, occurrences.Select(o => o.SurgeryId).ToList(), user.SubjectId()));
            foreach (var o in occurrences)
            {
                session.Events.StartStream(Surgery.StreamId(o.SurgeryId), o);
            }

            await OfficerSlots.HoldAsync(session, settings, occurrences.Select(OfficerSlot.Of).ToList(), t);
            return true;
        }, user.SubjectId(), ct);
        return TypedResults.Created($"/api/surgeries/series/{seriesId}", await ViewAsync(query, seriesId, ct));
    }

    public static async Task<SeriesView> ViewAsync(IQuerySession session, Guid seriesId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var events = await session.Events.FetchStreamAsync(StreamId(seriesId), token: ct);
        var created = events.Select(e => e.Data).OfType<SeriesCreated>().FirstOrDefault() ?? throw new NotFoundException("Series", seriesId.ToString());
        var docs = await session.Query<SurgeryDocument>().Where(d => d.State.SeriesId == seriesId)
            .OrderBy(d => d.State.StartsAt).Take(MaxOccurrences + 1).ToListAsync(ct);
        return new SeriesView(seriesId, created.Pattern, docs.Select(SurgeryView.From).ToList());
    }
}
