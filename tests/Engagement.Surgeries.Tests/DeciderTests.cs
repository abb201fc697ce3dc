using Engagement.ServiceDefaults;
using Engagement.Surgeries.Booking;
using Engagement.Surgeries.Outcomes;

namespace Engagement.Surgeries.Tests;

/// <summary>Given events, when a command, then events: the booking deciders as pure functions, no database.</summary>
public sealed class DeciderTests
{
    private static readonly DateTimeOffset Now = new(2027, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();

    private static Surgery Given(params object[] events) => events.Aggregate(Surgery.Initial, (s, e) => s.Evolve(e));

    private static SurgeryScheduled Scheduled(int? capacity) => new(Id, "bulwell", "Beat surgery", Now.AddDays(2), Now.AddDays(2).AddHours(1),
        new Venue("Library", "Main Street", "NG6 8QJ", true, false, null), capacity, new HostOfficer("pc-1", "PC One"), [], null, "officer-1");

    private static PlaceBooked Booked(string resident) =>
        new(Id, Guid.NewGuid(), resident, resident, "Name", "a@example.org", null, new SurgeryAt("bulwell", Now.AddDays(2), Scheduled(1).Venue));

    private static BookPlace Book(string resident, Guid? bookingId = null) =>
        new(Id, bookingId ?? Guid.NewGuid(), resident, resident, "Name", "a@example.org", null);

    [Fact]
    public void a_full_surgery_waitlists_the_next_booking()
    {
        var events = BookPlaceDecision.Decide(Given(Scheduled(1), Booked("r1")), Book("r2"), Now);
        Assert.IsType<PlaceWaitlisted>(Assert.Single(events));
    }

    [Fact]
    public void the_same_booking_again_decides_nothing()
    {
        var booked = Booked("r1");
        Assert.Empty(BookPlaceDecision.Decide(Given(Scheduled(5), booked), Book("r1", booked.BookingId), Now));
    }

    [Fact]
    public void a_drop_in_takes_no_bookings()
    {
        var e = Assert.Throws<ConflictException>(() => BookPlaceDecision.Decide(Given(Scheduled(null)), Book("r1"), Now));
        Assert.Equal("drop-in", e.ProblemType);
    }

    [Fact]
    public void cancelling_a_place_promotes_the_first_on_the_waitlist_only()
    {
        var placed = Booked("r1");
        var first = new PlaceWaitlisted(Id, Guid.NewGuid(), "r2", "r2", null, null, null);
        var second = new PlaceWaitlisted(Id, Guid.NewGuid(), "r3", "r3", null, null, null);

        var events = CancelBooking.Decide(Given(Scheduled(1), placed, first, second), placed.BookingId, "r1", Now);

        Assert.Collection(events,
            e => Assert.Equal(placed.BookingId, Assert.IsType<BookingCancelled>(e).BookingId),
            e => Assert.Equal(first.BookingId, Assert.IsType<BookingPromoted>(e).BookingId));
    }

    [Fact]
    public void an_issue_leaves_with_the_raisers_who_consented_at_booking_or_at_the_surgery_and_no_others()
    {
        var consented = Booked("r1") with { ConsentToHearBack = true };
        var (silent, later) = (Booked("r2"), Booked("r3"));
        var held = Given(Scheduled(5), consented, silent, later);
        var outcome = RecordOutcome.Decide(held, new RecordOutcomeRequest(3,
            [new IssueRequest("asb", "Noise at night", [consented.BookingId.ToString(), "r2", "r3", "r1"])], null, ["r3"]), Now.AddDays(3), "pc-1");

        var issue = Assert.Single(outcome.IssuesRaised);
        Assert.Equal([consented.BookingId, silent.BookingId, later.BookingId], issue.RaisedBy);
        Assert.Equal(["r1", "r3"], issue.RaiserIds);
        Assert.Equal([later.BookingId], outcome.ConsentGivenAt);
        Assert.True(held.Evolve(outcome).Bookings.Single(b => b.ResidentId == "r3").ConsentToHearBack);
    }

    [Fact]
    public void a_raiser_who_did_not_book_this_surgery_is_refused_by_their_place_in_the_list()
    {
        var e = Assert.Throws<ValidationFailedException>(() => RecordOutcome.Decide(Given(Scheduled(5), Booked("r1")),
            new RecordOutcomeRequest(1, [new IssueRequest("asb", "Noise", ["r1", "someone-else"])], null), Now.AddDays(3), "pc-1"));
        Assert.Equal(["issuesRaised[0].raisedBy[1]"], e.Errors!.Keys);
    }
}
