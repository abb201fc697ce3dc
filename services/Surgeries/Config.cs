using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Booking;
using Engagement.Surgeries.Calendar;
using Engagement.Surgeries.Listing;
using Engagement.Surgeries.Outcomes;
using Engagement.Surgeries.PoliceUk;
using Engagement.Surgeries.Retention;
using Engagement.Surgeries.Scheduling;
using JasperFx.Events.Projections;
using Marten;
using MassTransit;

namespace Engagement.Surgeries;

public static class Config
{
    /// <summary>
    /// The store: event aliases, the surgery snapshot and the booking documents (both inline, so reads and decisions
    /// never lag the stream).
    /// </summary>
    public static void ConfigureStore(StoreOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        EventTypes.Register(options);
        options.Schema.For<SurgeryDocument>().DocumentAlias("surgery");
        options.Schema.For<ResidentBooking>().Identity(b => b.BookingId).DocumentAlias("resident_booking").Index(b => b.ResidentId);
        options.Projections.Add(EventTypes.SurgerySnapshot(), ProjectionLifecycle.Inline);
        options.Projections.Add(new ResidentBookings(), ProjectionLifecycle.Inline);
    }

    /// <summary>The service's own tables, beside Marten's.</summary>
    public static void SchemaSteps(SchemaSteps steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        steps.Add("surgeries", OfficerSlots.Migrations);
        steps.Add(ErasedResidents.Component, ErasedResidents.Migrations);
    }

    /// <summary>Consumers of other services' events.</summary>
    public static void Consumers(IBusRegistrationConfigurator x)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.AddConsumer<ResidentErasedConsumer, ResidentErasedConsumerDefinition>();
    }

    public static WebApplicationBuilder AddSurgeries(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<BookingLanes>();
        builder.Services.AddSingleton<EraseBookerDetails>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EraseBookerDetails>());
        return builder;
    }

    public static WebApplication MapSurgeriesApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/surgeries").WithTags("Surgeries");

        // Anyone, with no token: what is on, where, and a calendar to subscribe to.
        api.MapGet("/", ListSurgeries.List).AllowAnonymous().WithSummary("Published surgeries by area and date range; no personal data.");
        api.MapGet("/{id:guid}", ListSurgeries.Get).AllowAnonymous().WithSummary("A published surgery, with an ETag; no personal data.");
        api.MapGet("/series/{seriesId:guid}", async (Guid seriesId, IQuerySession session, CancellationToken ct) =>
            TypedResults.Ok(await CreateSeries.ViewAsync(session, seriesId, ct))).AllowAnonymous()
            .WithSummary("A series and the surgeries it scheduled; no personal data.");
        api.MapGet("/areas/{code}/calendar.ics", CalendarFeed.Handle).AllowAnonymous().WithSummary("RFC 5545 feed of an area's surgeries.");
        api.MapGet("/police-uk/" + PoliceUkFormat.Force + "/{area}/events", PoliceUkEvents.Handle).AllowAnonymous()
            .WithSummary("police.uk's neighbourhood events: [{title, description, address, type, start_date, end_date, contact_details}], London local time without offset.");

        // Neighbourhood teams (and admins): schedule, change, cancel, see bookings, record outcomes.
        api.MapPost("/", ScheduleSurgery.Handle).RequireRoles(Roles.Neighbourhood).WithIdempotencyKey().WithSummary("Schedule a surgery. Accepts Idempotency-Key.");
        api.MapPost("/series", CreateSeries.Handle).RequireRoles(Roles.Neighbourhood).WithIdempotencyKey().WithSummary("Create a weekly or monthly series with rotating venues.");
        api.MapPatch("/{id:guid}", ChangeSurgery.Handle).RequireRoles(Roles.Neighbourhood).WithIfMatch(required: true).WithSummary("Reschedule or change the venue. Requires If-Match.");
        api.MapPost("/{id:guid}/cancel", CancelSurgery.Handle).RequireRoles(Roles.Neighbourhood).WithIfMatch()
            .WithSummary("Cancel a surgery, with the reason; booked residents hear of it. Takes If-Match.");
        api.MapGet("/{id:guid}/bookings", ViewBookings.List).RequireRoles(Roles.Neighbourhood).WithSummary("Bookings and waitlist with contact details; audited.");
        api.MapPost("/{id:guid}/outcome", RecordOutcome.Handle).RequireRoles(Roles.Neighbourhood).WithIfMatch()
            .WithSummary("Record a held surgery's attendance and the issues raised; emits SurgeryHeld. Takes If-Match.");

        // Residents book for themselves; staff may book on a resident's behalf.
        api.MapPost("/{id:guid}/bookings", BookPlaceDecision.Handle).RequireRoles(Roles.Resident, Roles.Neighbourhood).WithIdempotencyKey()
            .WithSummary("Book a place: confirmed, or waitlisted with a position. Accepts Idempotency-Key.");
        api.MapGet("/{id:guid}/bookings/{bookingId:guid}", ViewBookings.Get).RequireRoles(Roles.Resident, Roles.Neighbourhood)
            .WithSummary("One booking: a resident's own, or any in a member of staff's areas.");
        api.MapDelete("/{id:guid}/bookings/{bookingId:guid}", CancelBooking.Handle).RequireRoles(Roles.Resident, Roles.Neighbourhood)
            .WithSummary("Cancel a booking; the first on the waitlist is given the place.");
        api.MapGet("/my-bookings", ViewBookings.Mine).RequireAuthorization(Roles.Resident).WithSummary("The signed-in resident's bookings.");

        api.MapPost("/admin/retention", EraseBookerDetails.Handle).RequireAuthorization(Roles.Admin)
            .WithSummary("Erase bookers' details now for surgeries past the retention period.");
        return app;
    }
}
