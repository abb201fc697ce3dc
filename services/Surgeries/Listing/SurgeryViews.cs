using Engagement.ServiceDefaults;
using Engagement.EventStore;
using Engagement.Surgeries.Booking;

namespace Engagement.Surgeries.Listing;

/// <summary>The current state of a surgery with its stream version, kept inline so reads and decisions never lag.</summary>
public sealed record SurgeryDocument(Surgery State, long Version);

/// <summary>
/// Keeps a snapshot per surgery (what listings, the calendar and command handlers read) and a document per booking
/// (what a resident's "my bookings" reads, with the booker's details encrypted under the booking's key).
/// </summary>
public sealed class SurgeryViews : IProjection
{
    public string Name => "surgery_views";
    public IReadOnlyList<Type> DocumentTypes { get; } = [typeof(SurgeryDocument), typeof(ResidentBooking)];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            if (!e.StreamId.StartsWith("surgery-", StringComparison.Ordinal))
            {
                continue;
            }

            var id = e.StreamId["surgery-".Length..];
            var doc = await context.LoadAsync<SurgeryDocument>(id, ct) ?? new SurgeryDocument(Surgery.Initial, 0);
            context.Store(id, new SurgeryDocument(doc.State.Apply(e.Data), e.Version));

            switch (e.Data)
            {
                case PlaceBooked b:
                    context.Store(b.BookingId.ToString(), new ResidentBooking(b.BookingId, b.SurgeryId, b.ResidentId, BookingStatus.Confirmed, b.Name, b.Contact, b.Needs));
                    break;
                case PlaceWaitlisted w:
                    context.Store(w.BookingId.ToString(), new ResidentBooking(w.BookingId, w.SurgeryId, w.ResidentId, BookingStatus.Waitlisted, w.Name, w.Contact, w.Needs));
                    break;
                case BookingCancelled c when await context.LoadAsync<ResidentBooking>(c.BookingId.ToString(), ct) is { } rb:
                    context.Store(c.BookingId.ToString(), rb with { Status = BookingStatus.Cancelled });
                    break;
                case BookingPromoted p when await context.LoadAsync<ResidentBooking>(p.BookingId.ToString(), ct) is { } rb:
                    context.Store(p.BookingId.ToString(), rb with { Status = BookingStatus.Confirmed });
                    break;
            }
        }
    }
}

public sealed record VenueView(string Name, string Address, string Postcode, bool Accessible, bool PrivateRoom, string? Notes);

public sealed record OutcomeView(int Attendance, IReadOnlyList<IssueRaisedAt> IssuesRaised);

/// <summary>What anyone may see of a surgery: no bookers, no resident ids. Times are shown in Europe/London.</summary>
public sealed record SurgeryView(
    Guid Id, string AreaCode, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, VenueView Venue,
    bool DropIn, int? Capacity, int? PlacesLeft, int Waitlisted, string HostOfficer, IReadOnlyList<string> Topics,
    Guid? SeriesId, string Status, OutcomeView? Outcome, long Version)
{
    public static SurgeryView From(SurgeryDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var s = doc.State;
        return new SurgeryView(s.Id, s.AreaCode, s.Title, London.Show(s.StartsAt), London.Show(s.EndsAt),
            new VenueView(s.Venue.Name, s.Venue.Address, s.Venue.Postcode, s.Venue.Accessible, s.Venue.PrivateRoom, s.Venue.Notes),
            s.IsDropIn, s.Capacity, s.IsDropIn ? null : s.PlacesLeft, s.Waitlist.Count(), s.Host.Name, s.Topics, s.SeriesId,
            s.Status.ToString().ToLowerInvariant(), s.Outcome is { } o ? new OutcomeView(o.Attendance, o.IssuesRaised) : null, doc.Version);
    }
}
