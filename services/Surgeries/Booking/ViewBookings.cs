using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.Booking;

/// <summary>A booking as its resident sees it; the booker's details are encrypted under the booking's key.</summary>
public sealed record ResidentBooking(
    Guid BookingId, Guid SurgeryId, string ResidentId, BookingStatus Status,
    [property: PersonalData] string? Name, [property: PersonalData] string? Contact, [property: PersonalData] string? Needs) : IBookerDetails;

/// <summary>Bookers' details are shown only to the booker and the hosting team; null once erased (after the retention period, or with the resident).</summary>
public sealed record BookingDetails(
    Guid BookingId, Guid SurgeryId, string ResidentId, string Status, int? WaitlistPosition, string? Name, string? Contact, string? Needs, bool DetailsErased,
    bool ConsentToHearBack);

public sealed record BookingsView(Guid SurgeryId, int? Capacity, int Confirmed, int Waitlisted, IReadOnlyList<BookingDetails> Bookings);

public sealed record MyBooking(Guid BookingId, string Status, int? WaitlistPosition, string? Name, string? Contact, string? Needs, SurgeryView Surgery);

public static class ViewBookings
{
    private static IReadOnlyList<BookingDetails> Details(Surgery s, IReadOnlyList<IEvent> events)
    {
        var details = events.Select(e => e.Data).OfType<IBookerDetails>().ToDictionary(d => d.BookingId);
        return s.Bookings.Select(b =>
        {
            var (name, contact, needs) = details.GetValueOrDefault(b.BookingId) switch
            {
                PlaceBooked p => (p.Name, p.Contact, p.Needs),
                PlaceWaitlisted w => (w.Name, w.Contact, w.Needs),
                _ => (null, null, null),
            };
            // The state and the events are two reads: an erasure committed between them shreds the details before the state
            // says so. A booking always has a name, so a name that cannot be read is an erased one, whatever the state says.
            return new BookingDetails(b.BookingId, s.Id, b.ResidentId, b.Status.ToString().ToLowerInvariant(), s.WaitlistPosition(b.BookingId),
                name, contact, needs, s.BookerDetailsErased || b.DetailsErased || name is null, b.ConsentToHearBack);
        }).ToList();
    }

    /// <summary>A consultation of personal data, recorded in its own transaction before the data is shown.</summary>
    private static async Task ConsultedAsync(EventStoreSettings settings, ClaimsPrincipal user, Audit.Entry entry, CancellationToken ct)
    {
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await Audit.RecordAsync(conn, null, settings.Schema, user, entry, ct);
    }

    /// <summary>The hosting team's list: places, then the waitlist in order, with contact details. Every read is audited.</summary>
    public static async Task<Ok<BookingsView>> List(Guid id, string? reason, ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings, CancellationToken ct)
    {
        var doc = await SurgeryCommands.LoadAsync(session, id, ct);
        user.RequireArea(doc.State.AreaCode);
        var s = doc.State;
        var bookings = Details(s, await session.Events.FetchStreamAsync(Surgery.StreamId(id), token: ct));
        await ConsultedAsync(settings, user, new Audit.Entry("consult", "surgery-bookings", id.ToString(), reason ?? "surgery bookings list",
            new { bookings = bookings.Count }), ct);
        return TypedResults.Ok(new BookingsView(id, s.Capacity, s.Confirmed.Count(), s.Waitlist.Count(),
            bookings.Where(b => b.Status != "cancelled").OrderBy(b => b.Status == "confirmed" ? 0 : 1).ThenBy(b => b.WaitlistPosition ?? 0).ToList()));
    }

    /// <summary>One booking: to its resident, or to the hosting team.</summary>
    public static async Task<Ok<BookingDetails>> Get(Guid id, Guid bookingId, ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings, CancellationToken ct)
    {
        var doc = await SurgeryCommands.LoadAsync(session, id, ct);
        var booking = doc.State.Bookings.FirstOrDefault(b => b.BookingId == bookingId);
        if (booking is null || (user.IsInRole(Roles.Resident) && booking.ResidentId != user.SubjectId()))
        {
            throw new NotFoundException("Booking", bookingId.ToString());
        }

        if (!user.IsInRole(Roles.Resident))
        {
            user.RequireArea(doc.State.AreaCode);
        }

        var details = Details(doc.State, await session.Events.FetchStreamAsync(Surgery.StreamId(id), token: ct)).First(b => b.BookingId == bookingId);
        await ConsultedAsync(settings, user, new Audit.Entry("consult", "booking", bookingId.ToString(), "booking details"), ct);
        return TypedResults.Ok(details);
    }

    /// <summary>A resident's own bookings, and nobody else's.</summary>
    public static async Task<Ok<IReadOnlyList<MyBooking>>> Mine(ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        var residentId = user.SubjectId();
        var mine = await session.Query<ResidentBooking>().Where(b => b.ResidentId == residentId).Take(200).ToListAsync(ct);
        var surgeries = (await session.LoadManyAsync<SurgeryDocument>(ct, mine.Select(b => Surgery.StreamId(b.SurgeryId)).Distinct().ToList()))
            .ToDictionary(d => d.State.Id);
        var result = new List<MyBooking>();
        foreach (var b in mine)
        {
            if (surgeries.TryGetValue(b.SurgeryId, out var doc))
            {
                result.Add(new MyBooking(b.BookingId, b.Status.ToString().ToLowerInvariant(), doc.State.WaitlistPosition(b.BookingId), b.Name, b.Contact, b.Needs, SurgeryView.From(doc)));
            }
        }

        return TypedResults.Ok<IReadOnlyList<MyBooking>>(result.OrderBy(b => b.Surgery.StartsAt).ToList());
    }
}
