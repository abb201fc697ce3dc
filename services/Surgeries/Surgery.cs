using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Engagement.MartenAdditions;

namespace Engagement.Surgeries;

public sealed record Venue(string Name, string Address, string Postcode, bool Accessible, bool PrivateRoom, string? Notes);

public sealed record HostOfficer(string Id, string Name);

public enum SurgeryStatus
{
    Scheduled,
    Cancelled,
    Held,
}

public enum BookingStatus
{
    Confirmed,
    Waitlisted,
    Cancelled,
}

/// <summary>A place or a waitlist entry. DetailsErased: the booker's name, contact and needs are crypto-shredded.</summary>
public sealed record SurgeryBooking(Guid BookingId, string ResidentId, BookingStatus Status, bool ConsentToHearBack = false, bool DetailsErased = false);

/// <summary>
/// An issue raised at the surgery. <c>RaisedBy</c> names the bookings of those who raised it; <c>RaiserIds</c> are the
/// residents among them who consented to hear back, decided when the outcome was recorded: the only ones who leave the service.
/// </summary>
public sealed record IssueRaisedAt(string Category, string Summary, IReadOnlyList<Guid>? RaisedBy = null, IReadOnlyList<string>? RaiserIds = null);

public sealed record Outcome(int Attendance, IReadOnlyList<IssueRaisedAt> IssuesRaised, string? Notes);

/// <summary>
/// A beat surgery, rebuilt from its stream (see SurgeryDocument for the snapshot Marten keeps of it). Bookings are kept in the order they were made, which is the waitlist's
/// order: first in, first out.
/// </summary>
public sealed record Surgery(
    Guid Id,
    string AreaCode,
    string Title,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    Venue Venue,
    int? Capacity,
    HostOfficer Host,
    IReadOnlyList<string> Topics,
    Guid? SeriesId,
    SurgeryStatus Status,
    int Sequence,
    ImmutableList<SurgeryBooking> Bookings,
    Outcome? Outcome,
    bool BookerDetailsErased) : IAggregate<Surgery>
{
    public static Surgery Initial { get; } = new(Guid.Empty, "", "", default, default,
        new Venue("", "", "", false, false, null), null, new HostOfficer("", ""), [], null, SurgeryStatus.Scheduled, 0, [], null, false);

    public static string StreamId(Guid id) => $"surgery-{id}";

    [JsonIgnore]
    public bool Exists => Id != Guid.Empty;
    [JsonIgnore]
    public bool IsDropIn => Capacity is null;
    [JsonIgnore]
    public IEnumerable<SurgeryBooking> Confirmed => Bookings.Where(b => b.Status == BookingStatus.Confirmed);
    [JsonIgnore]
    public IEnumerable<SurgeryBooking> Waitlist => Bookings.Where(b => b.Status == BookingStatus.Waitlisted);
    [JsonIgnore]
    public SurgeryAt At => new(AreaCode, StartsAt, Venue);

    [JsonIgnore]
    public int PlacesLeft => Capacity is { } c ? Math.Max(0, c - Confirmed.Count()) : 0;

    public int? WaitlistPosition(Guid bookingId)
    {
        var index = Waitlist.Select(b => b.BookingId).ToList().IndexOf(bookingId);
        return index < 0 ? null : index + 1;
    }

    /// <summary>Residents with a place or on the waitlist: the people to tell when the surgery changes.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> BookedResidentIds =>
        Bookings.Where(b => b.Status != BookingStatus.Cancelled).Select(b => b.ResidentId).Distinct(StringComparer.Ordinal).ToList();

    public Surgery Evolve(object @event) => @event switch
    {
        SurgeryScheduled e => this with
        {
            Id = e.SurgeryId, AreaCode = e.AreaCode, Title = e.Title, StartsAt = e.StartsAt, EndsAt = e.EndsAt, Venue = e.Venue,
            Capacity = e.Capacity, Host = e.HostOfficer, Topics = e.Topics, SeriesId = e.SeriesId, Status = SurgeryStatus.Scheduled, Sequence = 0,
        },
        SurgeryRescheduled e => this with { Title = e.Title, StartsAt = e.StartsAt, EndsAt = e.EndsAt, Venue = e.Venue, Sequence = Sequence + 1 },
        SurgeryCancelled => this with { Status = SurgeryStatus.Cancelled, Sequence = Sequence + 1 },
        PlaceBooked e => this with { Bookings = Bookings.Add(new SurgeryBooking(e.BookingId, e.ResidentId, BookingStatus.Confirmed, e.ConsentToHearBack)) },
        PlaceWaitlisted e => this with { Bookings = Bookings.Add(new SurgeryBooking(e.BookingId, e.ResidentId, BookingStatus.Waitlisted, e.ConsentToHearBack)) },
        BookingCancelled e => WithBooking(e.BookingId, BookingStatus.Cancelled),
        BookingPromoted e => WithBooking(e.BookingId, BookingStatus.Confirmed),
        SurgeryHeld e => WithConsent(e.ConsentGivenAt ?? []) with { Status = SurgeryStatus.Held, Outcome = new Outcome(e.Attendance, e.IssuesRaised, e.Notes) },
        global::Engagement.Surgeries.BookerDetailsErased => this with { BookerDetailsErased = true },
        ResidentBookingsErased e => this with
        {
            Bookings = Bookings.Select(b => e.BookingIds.Contains(b.BookingId) ? b with { DetailsErased = true } : b).ToImmutableList(),
        },
        _ => this,
    };

    private Surgery WithConsent(IReadOnlyList<Guid> bookingIds) =>
        this with { Bookings = Bookings.Select(b => bookingIds.Contains(b.BookingId) ? b with { ConsentToHearBack = true } : b).ToImmutableList() };

    private Surgery WithBooking(Guid id, BookingStatus status)
    {
        var index = Bookings.FindIndex(b => b.BookingId == id);
        return index < 0 ? this : this with { Bookings = Bookings.SetItem(index, Bookings[index] with { Status = status }) };
    }
}
