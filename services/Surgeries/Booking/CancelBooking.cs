using System.Security.Claims;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.Booking;

public sealed record BookingCancelledResult(Guid BookingId, string Status, Guid? PromotedBookingId);

public static class CancelBooking
{
    /// <summary>Cancels a booking; when it held a place, the first on the waitlist is given it.</summary>
    public static IReadOnlyList<object> Decide(Surgery s, Guid bookingId, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        var booking = s.Bookings.FirstOrDefault(b => b.BookingId == bookingId) ?? throw new NotFoundException("Booking", bookingId.ToString());
        if (booking.Status == BookingStatus.Cancelled)
        {
            throw new ConflictException("booking-cancelled", "This booking is already cancelled.");
        }

        if (s.Status != SurgeryStatus.Scheduled || s.StartsAt <= now)
        {
            throw new ConflictException("surgery-not-open", "This surgery has started or is closed; its bookings can no longer change.");
        }

        var events = new List<object> { new BookingCancelled(s.Id, bookingId, booking.ResidentId, by) };
        if (booking.Status == BookingStatus.Confirmed && s.Waitlist.FirstOrDefault() is { } next)
        {
            events.Add(new BookingPromoted(s.Id, next.BookingId, next.ResidentId, s.At));
        }

        return events;
    }

    public static async Task<Ok<BookingCancelledResult>> Handle(Guid id, Guid bookingId, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var result = await SurgeryCommands.HandleAsync(store, id, null, user.SubjectId(), s =>
        {
            var booking = s.Bookings.FirstOrDefault(b => b.BookingId == bookingId);
            // A resident may cancel only their own booking; to anyone else another's booking does not exist.
            if (booking is null || (user.IsInRole(Roles.Resident) && booking.ResidentId != user.SubjectId()))
            {
                throw new NotFoundException("Booking", bookingId.ToString());
            }

            if (!user.IsInRole(Roles.Resident))
            {
                user.RequireArea(s.AreaCode);
            }

            return Decide(s, bookingId, user.SubjectId(), clock.GetUtcNow());
        }, ct: ct);
        return TypedResults.Ok(new BookingCancelledResult(bookingId, "cancelled", result.Events.OfType<BookingPromoted>().FirstOrDefault()?.BookingId));
    }
}
