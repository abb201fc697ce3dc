using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components.Forms;

namespace Engagement.Web.Surgeries.Officer;

// What an officer types to schedule a series, reschedule or cancel. Each form is kept whole across an API error, so
// nothing typed is lost; each maps the API's field names back onto its own inputs.

public sealed record SeriesView(Guid SeriesId, string Pattern, IReadOnlyList<Surgery> Occurrences);

/// <summary>One venue as typed: a series rotates through several, a change of venue names one.</summary>
public sealed class VenueLine
{
    public string Name { get; set; } = "";
    public string Address { get; set; } = "";
    public string Postcode { get; set; } = "";
    public bool Accessible { get; set; }
    public bool PrivateRoom { get; set; }
    public string Notes { get; set; } = "";

    public bool Same(VenueLine other) =>
        (Name, Address, Postcode, Accessible, PrivateRoom, Notes) == (other.Name, other.Address, other.Postcode, other.Accessible, other.PrivateRoom, other.Notes);

    public static VenueLine From(Venue v) => new()
    {
        Name = v.Name, Address = v.Address, Postcode = v.Postcode, Accessible = v.Accessible, PrivateRoom = v.PrivateRoom, Notes = v.Notes ?? "",
    };

    public object Request() => new
    {
        name = Name, address = Address, postcode = Postcode, accessible = Accessible, privateRoom = PrivateRoom,
        notes = string.IsNullOrWhiteSpace(Notes) ? null : Notes,
    };

    /// <summary>The input for the API's <c>{prefix}.name</c> (or address, postcode, notes) error.</summary>
    public FieldIdentifier? Field(string member) => member.ToLowerInvariant() switch
    {
        "name" => new FieldIdentifier(this, nameof(Name)),
        "address" => new FieldIdentifier(this, nameof(Address)),
        "postcode" => new FieldIdentifier(this, nameof(Postcode)),
        "notes" => new FieldIdentifier(this, nameof(Notes)),
        _ => null,
    };
}

public sealed partial class SeriesForm
{
    public string Title { get; set; } = "";
    public string Frequency { get; set; } = "weekly";
    public DayOfWeek DayOfWeek { get; set; } = DayOfWeek.Tuesday;
    public int IntervalWeeks { get; set; } = 1;
    public int Nth { get; set; } = 1;
    public TimeOnly? StartTime { get; set; } = new(18, 30);
    public int? DurationMinutes { get; set; } = 90;
    public DateOnly? From { get; set; }
    public DateOnly? Until { get; set; }
    public List<VenueLine> Venues { get; } = [new()];
    public bool DropIn { get; set; }
    public int? Capacity { get; set; } = 10;
    public string HostName { get; set; } = "";
    public string Topics { get; set; } = "";

    /// <summary>One key per series the officer means to create, so a double click or a retry makes one series.</summary>
    public string IdempotencyKey { get; private set; } = Guid.NewGuid().ToString("N");

    /// <summary>The API's request (POST /api/surgeries/series): London wall-clock times, dates as dates.</summary>
    public object Request(string areaCode, string hostId) => new
    {
        areaCode,
        title = Title,
        pattern = new
        {
            frequency = Frequency,
            dayOfWeek = DayOfWeek.ToString(),
            nth = Frequency == "monthly" ? Nth : (int?)null,
            intervalWeeks = Frequency == "weekly" ? IntervalWeeks : (int?)null,
        },
        startTime = StartTime?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        durationMinutes = DurationMinutes,
        venues = Venues.Select(v => v.Request()),
        from = From,
        until = Until,
        capacity = DropIn ? null : Capacity,
        hostOfficer = new { id = hostId, name = HostName },
        topics = Topics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    };

    /// <summary>The input for one of the API's field names, or null when the form has none.</summary>
    public FieldIdentifier? Field(string name)
    {
        var venue = VenueField().Match(name);
        if (venue.Success && int.Parse(venue.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is var i && i < Venues.Count)
        {
            return Venues[i].Field(venue.Groups[2].Value);
        }

        return name.ToLowerInvariant() switch
        {
            "title" => new FieldIdentifier(this, nameof(Title)),
            "starttime" => new FieldIdentifier(this, nameof(StartTime)),
            "durationminutes" => new FieldIdentifier(this, nameof(DurationMinutes)),
            "from" => new FieldIdentifier(this, nameof(From)),
            "until" => new FieldIdentifier(this, nameof(Until)),
            "capacity" => new FieldIdentifier(this, nameof(Capacity)),
            "hostofficer.name" => new FieldIdentifier(this, nameof(HostName)),
            "topics" => new FieldIdentifier(this, nameof(Topics)),
            "pattern.intervalweeks" => new FieldIdentifier(this, nameof(IntervalWeeks)),
            "pattern.nth" => new FieldIdentifier(this, nameof(Nth)),
            "pattern.dayofweek" => new FieldIdentifier(this, nameof(DayOfWeek)),
            _ => null,
        };
    }

    [GeneratedRegex(@"^venues\[(\d+)\]\.(\w+)$", RegexOptions.IgnoreCase)]
    private static partial Regex VenueField();
}

/// <summary>A reschedule: the surgery as the officer wants it now. Only what differs from the surgery is sent.</summary>
public sealed class RescheduleForm
{
    public string Title { get; set; } = "";
    public DateOnly? Date { get; set; }
    public TimeOnly? StartTime { get; set; }
    public TimeOnly? EndTime { get; set; }
    public VenueLine Venue { get; set; } = new();

    public static RescheduleForm From(Surgery s) => new()
    {
        Title = s.Title,
        Date = DateOnly.FromDateTime(Engagement.ServiceDefaults.London.Show(s.StartsAt).DateTime),
        StartTime = TimeOnly.FromDateTime(Engagement.ServiceDefaults.London.Show(s.StartsAt).DateTime),
        EndTime = TimeOnly.FromDateTime(Engagement.ServiceDefaults.London.Show(s.EndsAt).DateTime),
        Venue = VenueLine.From(s.Venue),
    };

    /// <summary>The API's request (PATCH /api/surgeries/{id}). What is left out stays as it is.</summary>
    public object Request(Surgery current)
    {
        var startsAt = Date is { } d && StartTime is { } s ? LondonTime.At(d, s) : (DateTimeOffset?)null;
        var endsAt = Date is { } d2 && EndTime is { } e ? LondonTime.At(d2, e) : (DateTimeOffset?)null;
        var venueChanged = !Venue.Same(VenueLine.From(current.Venue));
        return new
        {
            title = Title == current.Title ? null : Title,
            startsAt = startsAt == current.StartsAt ? null : startsAt,
            endsAt = endsAt == current.EndsAt ? null : endsAt,
            venue = venueChanged ? Venue.Request() : null,
        };
    }

    /// <summary>
    /// After somebody else's change (a 412): what the officer changed stays as typed, and what they left alone takes the
    /// surgery's fresh value, so saving again does not undo the other person's change.
    /// </summary>
    public void Rebase(RescheduleForm original, RescheduleForm fresh)
    {
        Title = Title == original.Title ? fresh.Title : Title;
        Date = Date == original.Date ? fresh.Date : Date;
        StartTime = StartTime == original.StartTime ? fresh.StartTime : StartTime;
        EndTime = EndTime == original.EndTime ? fresh.EndTime : EndTime;
        Venue = Venue.Same(original.Venue) ? fresh.Venue : Venue;
    }

    public FieldIdentifier? Field(string name) => name.ToLowerInvariant() switch
    {
        "title" => new FieldIdentifier(this, nameof(Title)),
        "startsat" => new FieldIdentifier(this, nameof(StartTime)),
        "endsat" => new FieldIdentifier(this, nameof(EndTime)),
        _ when name.StartsWith("venue.", StringComparison.OrdinalIgnoreCase) => Venue.Field(name["venue.".Length..]),
        _ => null,
    };
}

public sealed class CancelForm
{
    public string Reason { get; set; } = "";
}
