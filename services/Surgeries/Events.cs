using System.Text.Json.Serialization;
using Engagement.MartenAdditions;
using Marten;

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

/// <param name="ConsentToHearBack">The resident agreed to be told what was done about an issue they raise (false on bookings made before it was asked).</param>
public sealed record PlaceBooked(
    Guid SurgeryId, Guid BookingId, string ResidentId, string BookedBy,
    [property: PersonalData] string? Name, [property: PersonalData] string? Contact, [property: PersonalData] string? Needs, SurgeryAt At,
    bool ConsentToHearBack = false) : IBookerDetails;

public sealed record PlaceWaitlisted(
    Guid SurgeryId, Guid BookingId, string ResidentId, string BookedBy,
    [property: PersonalData] string? Name, [property: PersonalData] string? Contact, [property: PersonalData] string? Needs,
    bool ConsentToHearBack = false) : IBookerDetails;

public sealed record BookingCancelled(Guid SurgeryId, Guid BookingId, string ResidentId, string CancelledBy);

public sealed record BookingPromoted(Guid SurgeryId, Guid BookingId, string ResidentId, SurgeryAt At);

/// <param name="ConsentGivenAt">Bookings whose resident consented to hear back at the surgery itself, as staff recorded.</param>
public sealed record SurgeryHeld(
    Guid SurgeryId, SurgeryAt At, int Attendance, IReadOnlyList<IssueRaisedAt> IssuesRaised, string? Notes, string RecordedBy,
    IReadOnlyList<Guid>? ConsentGivenAt = null);

public sealed record BookerDetailsErased(Guid SurgeryId, IReadOnlyList<Guid> BookingIds, int RetentionDays);

/// <summary>A resident was erased (ResidentErased from Messaging): their bookings' details here are crypto-shredded.</summary>
public sealed record ResidentBookingsErased(Guid SurgeryId, IReadOnlyList<Guid> BookingIds, string ResidentId, string ErasedBy);

public static class EventTypes
{
    /// <summary>The aliases are what the event log stores; they outlive any rename of a type, so never change one.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<SurgeryScheduled>("surgery_scheduled");
        options.Events.MapEventType<SurgeryRescheduled>("surgery_rescheduled");
        options.Events.MapEventType<SurgeryCancelled>("surgery_cancelled");
        options.Events.MapEventType<SeriesCreated>("series_created");
        options.Events.MapEventType<PlaceBooked>("place_booked");
        options.Events.MapEventType<PlaceWaitlisted>("place_waitlisted");
        options.Events.MapEventType<BookingCancelled>("booking_cancelled");
        options.Events.MapEventType<BookingPromoted>("booking_promoted");
        options.Events.MapEventType<SurgeryHeld>("surgery_held");
        options.Events.MapEventType<BookerDetailsErased>("booker_details_erased");
        options.Events.MapEventType<ResidentBookingsErased>("resident_bookings_erased");
    }

    /// <summary>
    /// The inline snapshot of each surgery stream. It lists the surgery's own events, so a series stream (which
    /// shares the log) never gets an empty surgery snapshot of its own.
    /// </summary>
    public static DeciderProjection<Listing.SurgeryDocument> SurgerySnapshot()
    {
        var projection = new DeciderProjection<Listing.SurgeryDocument>();
        projection.IncludeType<SurgeryScheduled>();
        projection.IncludeType<SurgeryRescheduled>();
        projection.IncludeType<SurgeryCancelled>();
        projection.IncludeType<PlaceBooked>();
        projection.IncludeType<PlaceWaitlisted>();
        projection.IncludeType<BookingCancelled>();
        projection.IncludeType<BookingPromoted>();
        projection.IncludeType<SurgeryHeld>();
        projection.IncludeType<BookerDetailsErased>();
        projection.IncludeType<ResidentBookingsErased>();
        return projection;
    }
}
