namespace Engagement.Web.Surgeries;

// The surgeries API's shapes, as the console reads them (GET /api/surgeries...). The console is a client like any
// other: it keeps its own copy of what it reads, never the service's types.

public sealed record Venue(string Name, string Address, string Postcode, bool Accessible, bool PrivateRoom, string? Notes);

public sealed record IssueRaised(string Category, string Summary);

public sealed record Outcome(int Attendance, IReadOnlyList<IssueRaised> IssuesRaised);

public sealed record Surgery(
    Guid Id, string AreaCode, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, Venue Venue,
    bool DropIn, int? Capacity, int? PlacesLeft, int Waitlisted, string HostOfficer, IReadOnlyList<string> Topics,
    Guid? SeriesId, string Status, Outcome? Outcome, long Version);

public sealed record Booking(
    Guid BookingId, Guid SurgeryId, string ResidentId, string Status, int? WaitlistPosition, string? Name, string? Contact, string? Needs, bool DetailsErased,
    bool ConsentToHearBack = false);

public sealed record BookingList(Guid SurgeryId, int? Capacity, int Confirmed, int Waitlisted, IReadOnlyList<Booking> Bookings);

public sealed record BookingResult(Guid BookingId, Guid SurgeryId, string Status, int? WaitlistPosition);

public sealed record MyBooking(Guid BookingId, string Status, int? WaitlistPosition, Surgery Surgery);

public static class SurgeryText
{
    /// <summary>Issue categories the surgeries API accepts, with the words officers use.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> Categories =
    [
        ("asb", "Anti-social behaviour"), ("burglary", "Burglary"), ("vehicle-crime", "Vehicle crime"), ("robbery", "Robbery"),
        ("violence", "Violence"), ("knife-crime", "Knife crime"), ("vawg", "Violence against women and girls"), ("drugs", "Drugs"),
        ("hate-crime", "Hate crime"), ("fraud", "Fraud"), ("exploitation", "Exploitation"), ("rural-crime", "Rural crime"),
        ("road-safety", "Road safety"), ("environmental", "Environmental"), ("other", "Other"),
    ];

    public static string Status(string status) => status switch
    {
        "scheduled" => "Scheduled",
        "cancelled" => "Cancelled",
        "held" => "Held",
        _ => status,
    };

    public static string Places(Surgery s) => Localisation.ResidentText.English.SurgeryPlaces(s);
}
