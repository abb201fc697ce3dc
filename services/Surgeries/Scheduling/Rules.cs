using Engagement.ServiceDefaults;

namespace Engagement.Surgeries.Scheduling;

public sealed record VenueRequest(string? Name, string? Address, string? Postcode, bool? Accessible, bool? PrivateRoom, string? Notes);

public sealed record HostOfficerRequest(string? Id, string? Name);

/// <summary>The rules every surgery keeps, whichever way it was made. Each failure names its field.</summary>
public sealed class Rules : FieldErrors
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(8);

    public void Area(string field, string? code, AreaDirectory areas)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            Add(field, "Required.");
        }
        else if (!areas.Exists(code))
        {
            Add(field, $"'{code}' is not a Neighbourhood Policing Area. GET /api/surgeries/areas lists them.");
        }
    }

    public void Times(DateTimeOffset? startsAt, DateTimeOffset? endsAt, DateTimeOffset now, string prefix = "")
    {
        if (startsAt is null)
        {
            Add(prefix + "startsAt", "Required, as ISO 8601 with an offset.");
        }
        else if (startsAt <= now)
        {
            Add(prefix + "startsAt", "Must be in the future.");
        }

        if (endsAt is null)
        {
            Add(prefix + "endsAt", "Required, as ISO 8601 with an offset.");
        }
        else if (startsAt is not null && endsAt <= startsAt)
        {
            Add(prefix + "endsAt", "Must be after startsAt.");
        }
        else if (startsAt is not null && endsAt - startsAt > MaxDuration)
        {
            Add(prefix + "endsAt", "A surgery lasts at most 8 hours.");
        }
    }

    public void Capacity(int? capacity)
    {
        if (capacity is < 1 or > 500)
        {
            Add("capacity", "Between 1 and 500, or null for a drop-in surgery with no booking.");
        }
    }

    public Venue? Venue(string field, VenueRequest? venue)
    {
        if (venue is null)
        {
            Add(field, "Required.");
            return null;
        }

        var name = Text(field + ".name", venue.Name, 120);
        var address = Text(field + ".address", venue.Address, 300);
        var postcode = AreaDirectory.NormalisePostcode(venue.Postcode);
        if (postcode is null)
        {
            Add(field + ".postcode", "Must be a valid UK postcode, such as NG6 8AB.");
        }

        var notes = Text(field + ".notes", venue.Notes, 500, required: false);
        return new Venue(name, address, postcode ?? "", venue.Accessible ?? false, venue.PrivateRoom ?? false, notes.Length == 0 ? null : notes);
    }

    public HostOfficer? Host(HostOfficerRequest? host)
    {
        if (host is null)
        {
            Add("hostOfficer", "Required.");
            return null;
        }

        return new HostOfficer(Text("hostOfficer.id", host.Id, 100), Text("hostOfficer.name", host.Name, 120));
    }

    public IReadOnlyList<string> Topics(IReadOnlyList<string>? topics)
    {
        var list = (topics ?? []).Select(t => t?.Trim() ?? "").Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (list.Count > 20)
        {
            Add("topics", "At most 20 topics.");
        }

        if (list.Any(t => t.Length > 60))
        {
            Add("topics", "Each topic is at most 60 characters.");
        }

        return list;
    }
}
