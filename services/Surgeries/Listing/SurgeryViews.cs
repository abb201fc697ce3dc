using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Booking;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Engagement.Surgeries.Listing;

/// <summary>
/// The snapshot Marten keeps of each surgery inline (what listings, the calendar and command handlers read), keyed by
/// its stream key, with the stream version it was folded to.
/// </summary>
public sealed record SurgeryDocument(string Id, Surgery State, long Version) : IAggregate<SurgeryDocument>, IStamped<SurgeryDocument>
{
    public static SurgeryDocument Initial { get; } = new("", Surgery.Initial, 0);

    public SurgeryDocument Evolve(object @event) => this with { State = State.Evolve(@event) };

    public SurgeryDocument Stamp(string streamKey, long version) => this with { Id = streamKey, Version = version };
}

/// <summary>
/// A document per booking: what a resident's "my bookings" reads, with the booker's details sealed under the
/// booking's key like the events they came from. It overrides ApplyAsync, so nothing is dispatched by convention;
/// partial only so that the source generator registers ResidentBooking as a type it publishes.
/// </summary>
public sealed partial class ResidentBookings : EventProjection
{
    public ResidentBookings()
    {
        Name = "resident_bookings";
        IncludeType<PlaceBooked>();
        IncludeType<PlaceWaitlisted>();
        IncludeType<BookingCancelled>();
        IncludeType<BookingPromoted>();
        Options.DeleteViewTypeOnTeardown<ResidentBooking>();
    }

    public override async ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Data)
        {
            case PlaceBooked b:
                operations.Store(new ResidentBooking(b.BookingId, b.SurgeryId, b.ResidentId, BookingStatus.Confirmed, b.Name, b.Contact, b.Needs));
                break;
            case PlaceWaitlisted w:
                operations.Store(new ResidentBooking(w.BookingId, w.SurgeryId, w.ResidentId, BookingStatus.Waitlisted, w.Name, w.Contact, w.Needs));
                break;
            case BookingCancelled c when await operations.LoadAsync<ResidentBooking>(c.BookingId, cancellation) is { } rb:
                operations.Store(rb with { Status = BookingStatus.Cancelled });
                break;
            case BookingPromoted p when await operations.LoadAsync<ResidentBooking>(p.BookingId, cancellation) is { } rb:
                operations.Store(rb with { Status = BookingStatus.Confirmed });
                break;
        }
    }
}

public sealed record VenueView(string Name, string Address, string Postcode, bool Accessible, bool PrivateRoom, string? Notes);

/// <summary>An issue as anyone may see it: who raised it stays with the hosting team.</summary>
public sealed record IssueView(string Category, string Summary);

public sealed record OutcomeView(int Attendance, IReadOnlyList<IssueView> IssuesRaised);

/// <summary>What anyone may see of a surgery: no bookers, no resident ids. Times are shown in Europe/London.</summary>
public sealed record SurgeryView(
    Guid Id, string AreaCode, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, VenueView Venue,
    bool DropIn, int? Capacity, int? PlacesLeft, int Waitlisted, string HostOfficer, IReadOnlyList<string> Topics,
    Guid? SeriesId, string Status, OutcomeView? Outcome, long Version)
{
    public static SurgeryView From(SurgeryDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        return From(doc.State, doc.Version);
    }

    public static SurgeryView From(Surgery s, long version)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new SurgeryView(s.Id, s.AreaCode, s.Title, London.Show(s.StartsAt), London.Show(s.EndsAt),
            new VenueView(s.Venue.Name, s.Venue.Address, s.Venue.Postcode, s.Venue.Accessible, s.Venue.PrivateRoom, s.Venue.Notes),
            s.IsDropIn, s.Capacity, s.IsDropIn ? null : s.PlacesLeft, s.Waitlist.Count(), s.Host.Name, s.Topics, s.SeriesId,
            s.Status.ToString().ToLowerInvariant(), s.Outcome is { } o ? new OutcomeView(o.Attendance, o.IssuesRaised.Select(i => new IssueView(i.Category, i.Summary)).ToList()) : null, version);
    }
}
