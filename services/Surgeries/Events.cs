using System.Text.Json.Serialization;
using Engagement.EventStore;

namespace Engagement.Surgeries;

// Domain events of the surgeries service. Public ones are mapped to Contracts records in PublicEvents.cs.

public sealed record SurgeryScheduled(
    Guid SurgeryId, string AreaCode, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, Venue Venue, int? Capacity,
    HostOfficer HostOfficer, IReadOnlyList<string> Topics, Guid? SeriesId, string ScheduledBy);

/// <summary>Where and when a surgery is, carried by events whose public contract must say so without a call back.</summary>
public sealed record SurgeryAt(string AreaCode, DateTimeOffset StartsAt, Venue Venue);

public sealed record SurgeryRescheduled(
    Guid SurgeryId, string AreaCode, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, Venue Venue, IReadOnlyList<string> BookedResidentIds, string ChangedBy);

public sealed record SurgeryCancelled(Guid SurgeryId, string AreaCode, DateTimeOffset StartsAt, string Reason, IReadOnlyList<string> BookedResidentIds, string CancelledBy);

public sealed record SeriesCreated(Guid SeriesId, string AreaCode, string Title, string Pattern, IReadOnlyList<Guid> Occurrences, string CreatedBy);

/// <summary>A booking's personal details are encrypted under a key per booking, erased after the retention period.</summary>
public interface IBookerDetails : IHasPersonalData
{
    Guid BookingId { get; }

    [JsonIgnore]
    string IHasPersonalData.DataSubjectId => BookerSubject(BookingId);

    static string BookerSubject(Guid bookingId) => $"booking:{bookingId}";
}

public sealed record PlaceBooked(
    Guid SurgeryId, Guid BookingId, string ResidentId, string BookedBy,
    [property: PersonalData] string? Name, [property: PersonalData] string? Contact, [property: PersonalData] string? Needs, SurgeryAt At) : IBookerDetails;

public sealed record PlaceWaitlisted(
    Guid SurgeryId, Guid BookingId, string ResidentId, string BookedBy,
    [property: PersonalData] string? Name, [property: PersonalData] string? Contact, [property: PersonalData] string? Needs) : IBookerDetails;

public sealed record BookingCancelled(Guid SurgeryId, Guid BookingId, string ResidentId, string CancelledBy);

public sealed record BookingPromoted(Guid SurgeryId, Guid BookingId, string ResidentId, SurgeryAt At);

public sealed record SurgeryHeld(Guid SurgeryId, SurgeryAt At, int Attendance, IReadOnlyList<IssueRaisedAt> IssuesRaised, string? Notes, string RecordedBy);

public sealed record BookerDetailsErased(Guid SurgeryId, IReadOnlyList<Guid> BookingIds, int RetentionDays);

public static class EventTypes
{
    public static void Register(Engagement.EventStore.EventTypes types)
    {
        ArgumentNullException.ThrowIfNull(types);
        types.Register<SurgeryScheduled>("surgery_scheduled")
            .Register<SurgeryRescheduled>("surgery_rescheduled")
            .Register<SurgeryCancelled>("surgery_cancelled")
            .Register<SeriesCreated>("series_created")
            .Register<PlaceBooked>("place_booked")
            .Register<PlaceWaitlisted>("place_waitlisted")
            .Register<BookingCancelled>("booking_cancelled")
            .Register<BookingPromoted>("booking_promoted")
            .Register<SurgeryHeld>("surgery_held")
            .Register<BookerDetailsErased>("booker_details_erased");
    }
}
