using System.Security.Claims;
using System.Text.RegularExpressions;
using Engagement.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.Booking;

/// <summary>
/// A resident books for themselves; staff may book on a resident's behalf and then name them with residentId.
/// <c>consentToHearBack</c>: the resident agrees to be told what was done about an issue they raise there (no unless they say so).
/// </summary>
public sealed record BookPlaceRequest(string? Name, string? Contact, string? Needs, string? ResidentId, bool? ConsentToHearBack = null);

public sealed record BookingResult(Guid BookingId, Guid SurgeryId, string Status, int? WaitlistPosition);

public sealed record BookPlace(Guid SurgeryId, Guid BookingId, string ResidentId, string BookedBy, string Name, string Contact, string? Needs, bool ConsentToHearBack = false);

public static partial class BookPlaceDecision
{
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Email();

    [GeneratedRegex(@"^\+?[0-9][0-9 ()-]{5,18}[0-9]$")]
    private static partial Regex Phone();

    public static (string Name, string Contact, string? Needs) Validate(BookPlaceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rules = new Scheduling.Rules();
        var name = rules.Text("name", request.Name, 120);
        var contact = rules.Text("contact", request.Contact, 200);
        if (contact.Length > 0 && !Email().IsMatch(contact) && !Phone().IsMatch(contact))
        {
            rules.Add("contact", "An email address or a phone number.");
        }

        var needs = rules.Text("needs", request.Needs, 500, required: false);
        rules.ThrowIfAny();
        return (name, contact, needs.Length == 0 ? null : needs);
    }

    /// <summary>
    /// Confirmed while places are left, waitlisted after. Decided against the surgery as it is after every earlier
    /// request, so capacity can never be exceeded and the waitlist keeps arrival order.
    /// </summary>
    public static IReadOnlyList<object> Decide(Surgery s, BookPlace command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(command);
        if (s.Bookings.Any(b => b.BookingId == command.BookingId))
        {
            return [];
        }

        if (s.Status != SurgeryStatus.Scheduled)
        {
            throw new ConflictException("surgery-not-open", $"This surgery is {s.Status.ToString().ToLowerInvariant()}; it takes no bookings.");
        }

        if (s.IsDropIn)
        {
            throw new ConflictException("drop-in", "This is a drop-in surgery: no booking is needed, just come along.");
        }

        if (s.StartsAt <= now)
        {
            throw new ConflictException("surgery-started", "This surgery has started; it takes no more bookings.");
        }

        if (s.Bookings.FirstOrDefault(b => b.ResidentId == command.ResidentId && b.Status != BookingStatus.Cancelled) is { } existing)
        {
            var e = new ConflictException("already-booked", "This resident already has a booking for this surgery.");
            e.Extensions["bookingId"] = existing.BookingId;
            throw e;
        }

        return s.PlacesLeft > 0
            ? [new PlaceBooked(s.Id, command.BookingId, command.ResidentId, command.BookedBy, command.Name, command.Contact, command.Needs, s.At, command.ConsentToHearBack)]
            : [new PlaceWaitlisted(s.Id, command.BookingId, command.ResidentId, command.BookedBy, command.Name, command.Contact, command.Needs, command.ConsentToHearBack)];
    }

    public static BookingResult Result(Surgery s, Guid bookingId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var b = s.Bookings.First(x => x.BookingId == bookingId);
        return new BookingResult(bookingId, s.Id, b.Status.ToString().ToLowerInvariant(), s.WaitlistPosition(bookingId));
    }

    public static async Task<Created<BookingResult>> Handle(
        Guid id, BookPlaceRequest request, HttpContext http, ClaimsPrincipal user, BookingLanes lanes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (name, contact, needs) = Validate(request);
        var bookingId = http.Request.ResourceId($"book-place:{id}");
        string residentId;
        if (user.IsInRole(Roles.Resident))
        {
            if (request.ResidentId is not null && request.ResidentId != user.SubjectId())
            {
                throw new DomainException(StatusCodes.Status403Forbidden, "not-yours", "Residents book for themselves only.");
            }

            residentId = user.SubjectId();
        }
        else
        {
            residentId = string.IsNullOrWhiteSpace(request.ResidentId) ? $"walk-in:{bookingId}" : request.ResidentId.Trim();
        }

        var result = await lanes.BookAsync(new BookPlace(id, bookingId, residentId, user.SubjectId(), name, contact, needs, request.ConsentToHearBack == true),
            s => { if (!user.IsInRole(Roles.Resident)) { user.RequireArea(s.AreaCode); } }, ct);
        return TypedResults.Created($"/api/surgeries/{id}/bookings/{result.BookingId}", result);
    }
}
