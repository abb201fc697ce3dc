using JasperFx.Events;
using C = Engagement.Contracts;

namespace Engagement.Surgeries;

/// <summary>
/// What the relay publishes: the public domain events, as Contracts records. Resident ids travel (Messaging needs
/// them to tell the right people; Plans keeps the raisers of each issue who consented to hear back); names, contact
/// details and needs never do.
/// </summary>
public static class PublicEvents
{
    public static object? Map(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Data switch
        {
            SurgeryScheduled s => new C.SurgeryScheduled(e.Id, e.Timestamp, s.SurgeryId, s.AreaCode, s.Title, s.StartsAt, s.EndsAt, Venue(s.Venue), s.Capacity, s.Topics),
            SurgeryRescheduled r => new C.SurgeryRescheduled(e.Id, e.Timestamp, r.SurgeryId, r.AreaCode, r.StartsAt, r.EndsAt, Venue(r.Venue), r.BookedResidentIds),
            SurgeryCancelled c => new C.SurgeryCancelled(e.Id, e.Timestamp, c.SurgeryId, c.AreaCode, c.StartsAt, c.Reason, c.BookedResidentIds),
            PlaceBooked b => new C.BookingConfirmed(e.Id, e.Timestamp, b.SurgeryId, b.BookingId, b.ResidentId, b.At.AreaCode, b.At.StartsAt, Venue(b.At.Venue)),
            BookingPromoted p => new C.BookingPromoted(e.Id, e.Timestamp, p.SurgeryId, p.BookingId, p.ResidentId, p.At.AreaCode, p.At.StartsAt, Venue(p.At.Venue)),
            SurgeryHeld h => new C.SurgeryHeld(e.Id, e.Timestamp, h.SurgeryId, h.At.AreaCode, h.At.StartsAt, h.Attendance,
                h.IssuesRaised.Select(i => new C.IssueRaised(i.Category, i.Summary, i.RaiserIds ?? [])).ToList()),
            _ => null,
        };
    }

    private static C.VenueInfo Venue(Venue v) => new(v.Name, v.Address, v.Postcode, v.Accessible, v.PrivateRoom);
}
