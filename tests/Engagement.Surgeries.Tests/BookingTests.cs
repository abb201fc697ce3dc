using Engagement.Testing;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;

namespace Engagement.Surgeries.Tests;

public sealed class BookingTests(SurgeriesFixture f) : IClassFixture<SurgeriesFixture>
{
    [Fact]
    public async Task a_hundred_concurrent_bookings_for_ten_places_confirm_ten_and_waitlist_ninety_in_order()
    {
        var s = await f.ScheduleAsync(capacity: 10);
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => f.BookAsync(s.Id(), $"crowd-{i}")));
        var results = await Task.WhenAll(responses.Select(r => r.BodyAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(10, results.Count(r => r["status"]!.GetValue<string>() == "confirmed"));
        var positions = results.Where(r => r["status"]!.GetValue<string>() == "waitlisted").Select(r => r["waitlistPosition"]!.GetValue<int>()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 90), positions);

        // The team's list agrees with what each caller was told, and its waitlist is in that order.
        using var team = f.Officer();
        var view = (await team.GetFromJsonAsync<JsonObject>($"/api/surgeries/{s.Id()}/bookings"))!;
        Assert.Equal(10, view["confirmed"]!.GetValue<int>());
        Assert.Equal(90, view["waitlisted"]!.GetValue<int>());
        var told = results.ToDictionary(r => r["bookingId"]!.GetValue<string>(), r => r["waitlistPosition"]?.GetValue<int>());
        foreach (var b in view["bookings"]!.AsArray())
        {
            Assert.Equal(told[b!["bookingId"]!.GetValue<string>()], b["waitlistPosition"]?.GetValue<int>());
        }

        var publicView = (await f.Anonymous().GetFromJsonAsync<JsonObject>($"/api/surgeries/{s.Id()}"))!;
        Assert.Equal(0, publicView["placesLeft"]!.GetValue<int>());
        Assert.Equal(90, publicView["waitlisted"]!.GetValue<int>());
    }

    [Fact]
    public async Task cancelling_a_place_promotes_the_first_on_the_waitlist()
    {
        var s = await f.ScheduleAsync(capacity: 1);
        var placed = await (await f.BookAsync(s.Id(), "promo-a")).BodyAsync();
        var first = await (await f.BookAsync(s.Id(), "promo-b")).BodyAsync();
        var second = await (await f.BookAsync(s.Id(), "promo-c")).BodyAsync();
        using var a = f.As(Roles.Resident, "promo-a");

        var cancelled = await (await a.DeleteAsync($"/api/surgeries/{s.Id()}/bookings/{placed.Id("bookingId")}")).BodyAsync();

        Assert.Equal(first.Id("bookingId"), cancelled.Id("promotedBookingId"));
        using var b = f.As(Roles.Resident, "promo-b");
        using var c = f.As(Roles.Resident, "promo-c");
        var bNow = (await b.GetFromJsonAsync<JsonObject>($"/api/surgeries/{s.Id()}/bookings/{first.Id("bookingId")}"))!;
        var cNow = (await c.GetFromJsonAsync<JsonObject>($"/api/surgeries/{s.Id()}/bookings/{second.Id("bookingId")}"))!;
        Assert.Equal("confirmed", bNow["status"]!.GetValue<string>());
        Assert.Equal(1, cNow["waitlistPosition"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Conflict, (await a.DeleteAsync($"/api/surgeries/{s.Id()}/bookings/{placed.Id("bookingId")}")).StatusCode);
    }

    [Fact]
    public async Task no_booking_for_a_drop_in_a_cancelled_surgery_twice_by_one_resident_or_after_the_start()
    {
        var dropIn = await f.ScheduleAsync(capacity: null);
        var cancelled = await f.ScheduleAsync();
        using var team = f.Officer();
        await team.PostAsJsonAsync($"/api/surgeries/{cancelled.Id()}/cancel", new { reason = "Officer reassigned" });
        var soon = await f.ScheduleAsync(inHours: 0.5);
        await f.BookAsync(soon.Id(), "twice");

        var dropInResponse = await f.BookAsync(dropIn.Id(), "r1");
        var cancelledResponse = await f.BookAsync(cancelled.Id(), "r1");
        var twice = await f.BookAsync(soon.Id(), "twice");
        f.Clock.Advance(TimeSpan.FromHours(1));
        var late = await f.BookAsync(soon.Id(), "late");
        var missing = await f.BookAsync(Guid.NewGuid(), "r1");

        Assert.EndsWith("/drop-in", (await dropInResponse.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("/surgery-not-open", (await cancelledResponse.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("/already-booked", (await twice.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("/surgery-started", (await late.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All([dropInResponse, cancelledResponse, twice, late], r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task booking_details_are_validated()
    {
        var s = await f.ScheduleAsync();
        var response = await f.BookAsync(s.Id(), "bad-details", name: "", contact: "not a contact");
        var problem = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["name"]);
        Assert.NotNull(problem["errors"]!["contact"]);
    }

    [Fact]
    public async Task a_repeated_idempotency_key_books_once()
    {
        var s = await f.ScheduleAsync();
        using var resident = f.As(Roles.Resident, "idem-resident");
        async Task<JsonObject> Send()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/surgeries/{s.Id()}/bookings")
            {
                Content = JsonContent.Create(new { name = "Sam", contact = "07700 900123" }),
            };
            request.Headers.Add("Idempotency-Key", "book-once");
            return await (await resident.SendAsync(request)).BodyAsync();
        }

        var first = await Send();
        var second = await Send();

        Assert.Equal(first.Id("bookingId"), second.Id("bookingId"));
        Assert.Equal(9, (await f.Anonymous().GetFromJsonAsync<JsonObject>($"/api/surgeries/{s.Id()}"))!["placesLeft"]!.GetValue<int>());
    }

    [Fact]
    public async Task residents_see_only_their_own_bookings_and_never_the_team_list()
    {
        var s = await f.ScheduleAsync();
        var mine = await (await f.BookAsync(s.Id(), "own-a", name: "Alice Own", contact: "alice@example.org")).BodyAsync();
        var theirs = await (await f.BookAsync(s.Id(), "own-b", name: "Bob Other", contact: "bob@example.org")).BodyAsync();
        using var alice = f.As(Roles.Resident, "own-a");

        var myList = (await alice.GetFromJsonAsync<JsonArray>("/api/surgeries/my-bookings"))!;
        var other = await alice.GetAsync($"/api/surgeries/{s.Id()}/bookings/{theirs.Id("bookingId")}");
        var cancelOther = await alice.DeleteAsync($"/api/surgeries/{s.Id()}/bookings/{theirs.Id("bookingId")}");
        var teamList = await alice.GetAsync($"/api/surgeries/{s.Id()}/bookings");
        var ownDetails = (await alice.GetFromJsonAsync<JsonObject>($"/api/surgeries/{s.Id()}/bookings/{mine.Id("bookingId")}"))!;

        var only = Assert.Single(myList);
        Assert.Equal("Alice Own", only!["name"]!.GetValue<string>());
        Assert.DoesNotContain("Bob", myList.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancelOther.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, teamList.StatusCode);
        Assert.Equal("alice@example.org", ownDetails["contact"]!.GetValue<string>());
        Assert.DoesNotContain("Bob", await (await f.Anonymous().GetAsync($"/api/surgeries/{s.Id()}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task staff_may_book_on_a_residents_behalf_but_a_resident_cannot_book_for_another()
    {
        var s = await f.ScheduleAsync();
        using var team = f.Officer();
        using var resident = f.As(Roles.Resident, "self");

        var onBehalf = await team.PostAsJsonAsync($"/api/surgeries/{s.Id()}/bookings", new { name = "Walk In", contact = "0115 496 0001", residentId = "res-phone-in" });
        var forAnother = await resident.PostAsJsonAsync($"/api/surgeries/{s.Id()}/bookings", new { name = "X", contact = "x@example.org", residentId = "someone-else" });

        Assert.Equal(HttpStatusCode.Created, onBehalf.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forAnother.StatusCode);
        using var phoneIn = f.As(Roles.Resident, "res-phone-in");
        Assert.Single((await phoneIn.GetFromJsonAsync<JsonArray>("/api/surgeries/my-bookings"))!);
    }

    [Fact]
    public async Task bookers_details_are_erased_after_the_retention_period_and_the_reads_are_audited()
    {
        var s = await f.ScheduleAsync(inHours: 3);
        var booking = await (await f.BookAsync(s.Id(), "erase-me", name: "Erin Erasable", contact: "erin@example.org")).BodyAsync();
        using var team = f.Officer();
        await team.GetAsync($"/api/surgeries/{s.Id()}/bookings?reason=call%20list");
        using var admin = f.As(Roles.Admin, "admin-1");

        var tooSoon = (await (await admin.PostAsync($"/api/surgeries/admin/retention?asOf={Uri.EscapeDataString(f.Clock.GetUtcNow().AddDays(29).ToString("O"))}", null)).BodyAsync());
        var run = (await (await admin.PostAsync($"/api/surgeries/admin/retention?asOf={Uri.EscapeDataString(f.Clock.GetUtcNow().AddDays(31).ToString("O"))}", null)).BodyAsync());

        Assert.Equal(0, tooSoon["bookings"]!.GetValue<int>());
        Assert.True(run["bookings"]!.GetValue<int>() >= 1);
        var view = (await team.GetFromJsonAsync<JsonObject>($"/api/surgeries/{s.Id()}/bookings"))!;
        var erased = view["bookings"]!.AsArray().Single(b => b!["bookingId"]!.GetValue<string>() == booking.Id("bookingId").ToString())!;
        Assert.Null(erased["name"]);
        Assert.Null(erased["contact"]);
        Assert.True(erased["detailsErased"]!.GetValue<bool>());
        using var erin = f.As(Roles.Resident, "erase-me");
        Assert.DoesNotContain("Erin", await erin.GetStringAsync("/api/surgeries/my-bookings"), StringComparison.Ordinal);
        // Nothing readable is left in the database: the details were only ever stored encrypted, and the key is gone.
        Assert.Equal(0L, await f.ScalarAsync<long>("select count(*) from surgeries.mt_events where data::text like '%Erin%' or data::text like '%erin@%'"));
        Assert.Equal(0L, await f.ScalarAsync<long>("select count(*) from (select data from surgeries.mt_doc_surgery union all select data from surgeries.mt_doc_resident_booking) d where data::text like '%Erin%'"));
        Assert.Equal(0L, await f.ScalarAsync<long>($"select count(*) from surgeries.mt_doc_subject_key where id = 'booking:{booking.Id("bookingId")}' and data->>'key' is not null"));
        Assert.True(await f.ScalarAsync<long>($"select count(*) from surgeries.audit_log where subject_id = '{s.Id()}' and action = 'consult' and reason = 'call list'") >= 1);
        Assert.True(await f.ScalarAsync<long>($"select count(*) from surgeries.audit_log where subject_id = '{s.Id()}' and action = 'erase'") == 1);
    }
}
