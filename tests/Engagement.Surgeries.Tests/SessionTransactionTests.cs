using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Scheduling;
using Engagement.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.Surgeries.Tests;

/// <summary>
/// Plain SQL that must commit with a surgery's events (officer slots, audit rows) runs on the Marten session's own
/// connection inside its transaction; these pin that down against the real database.
/// </summary>
public sealed class SessionTransactionTests(SurgeriesFixture f) : IClassFixture<SurgeriesFixture>
{
    private IDocumentStore Store => f.Service.Services.GetRequiredService<IDocumentStore>();

    private EventStoreSettings Settings => f.Service.Services.GetRequiredService<EventStoreSettings>();

    private Task<long> SlotsAsync(Guid surgeryId) =>
        TestInfrastructure.ScalarAsync<long>(f.ConnectionString, "select count(*) from surgeries.officer_slots where surgery_id = @id", ("id", surgeryId));

    private OfficerSlot Slot(Guid surgeryId, string officer) =>
        new(surgeryId, new HostOfficer(officer, "PC " + officer), f.Clock.GetUtcNow().AddDays(60), f.Clock.GetUtcNow().AddDays(60).AddHours(1));

    [Fact]
    public async Task a_slot_held_in_a_session_is_invisible_until_it_commits_and_rolls_back_with_a_failed_append()
    {
        var existing = await f.ScheduleAsync(inHours: 700);
        var held = Guid.NewGuid();

        using (PersonalDataScope.Begin())
        await using (var session = Store.LightweightSession())
        {
            await OfficerSlots.HoldAsync(session, Settings, [Slot(held, "pc-rollback")], CancellationToken.None);
            // Held open and uncommitted: a statement of its own would already be visible here.
            Assert.Equal(0L, await SlotsAsync(held));

            // Starting a stream that exists fails the save, and the slot must go with it.
            session.Events.StartStream(Surgery.StreamId(existing.Id()), new SurgeryCancelled(existing.Id(), "bulwell", f.Clock.GetUtcNow(), "x", [], "test"));
            await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
        }

        Assert.Equal(0L, await SlotsAsync(held));
    }

    [Fact]
    public async Task a_slot_held_in_a_session_commits_with_its_events()
    {
        var held = Guid.NewGuid();

        using (PersonalDataScope.Begin())
        await using (var session = Store.LightweightSession())
        {
            await OfficerSlots.HoldAsync(session, Settings, [Slot(held, "pc-commit")], CancellationToken.None);
            session.Events.StartStream($"slot-test-{held}", new SeriesCreated(held, "bulwell", "t", "p", [], "test"));
            await session.SaveChangesAsync();
        }

        Assert.Equal(1L, await SlotsAsync(held));
    }

    /// <summary>Twenty residents book one five-place surgery at once, so the lane decides them in batches.</summary>
    private async Task<(Guid Surgery, HttpResponseMessage[] Responses)> BookTwentyAtOnceAsync(string prefix)
    {
        var s = (await f.ScheduleAsync(capacity: 5)).Id();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => f.BookAsync(s, $"{prefix}-{i}")));
        Assert.All(responses, r => Assert.Equal(System.Net.HttpStatusCode.Created, r.StatusCode));
        return (s, responses);
    }

    [Fact]
    public async Task each_booking_in_a_batch_records_the_collection_of_its_bookers_details_in_the_audit_log()
    {
        var (surgery, responses) = await BookTwentyAtOnceAsync("collect");

        var streamKey = Surgery.StreamId(surgery);
        // One row per booking, each naming its own booker, and each booking's row beside its event.
        Assert.Equal(20L, await TestInfrastructure.ScalarAsync<long>(f.ConnectionString,
            """
            select count(distinct a.subject_id) from surgeries.audit_log a
            join surgeries.mt_events e on e.stream_id = @s and e.type in ('place_booked', 'place_waitlisted') and e.data->>'bookingId' = a.subject_id
            where a.action = 'collect' and a.subject_type = 'booking' and a.actor = e.data->>'bookedBy'
            """,
            ("s", streamKey)));
        Assert.Equal(20L, await TestInfrastructure.ScalarAsync<long>(f.ConnectionString,
            "select count(*) from surgeries.audit_log where action = 'collect' and subject_type = 'booking' and detail->>'surgeryId' = @id",
            ("id", surgery.ToString())));
        using var admin = f.As(Roles.Admin, "admin-audit");
        var booking = (await responses[0].Content.ReadFromJsonAsync<JsonObject>())!["bookingId"]!.GetValue<string>();
        var page = (await admin.GetFromJsonAsync<JsonObject>($"/api/surgeries/audit?subjectType=booking&subjectId={booking}"))!;
        Assert.Equal("collect", Assert.Single(page["entries"]!.AsArray())!["action"]!.GetValue<string>());
    }

    [Fact]
    public async Task each_booking_decided_in_a_batch_records_its_own_booker()
    {
        var (surgery, _) = await BookTwentyAtOnceAsync("batch");

        var streamKey = Surgery.StreamId(surgery);
        Assert.Equal(20L, await TestInfrastructure.ScalarAsync<long>(f.ConnectionString,
            "select count(distinct user_name) from surgeries.mt_events where stream_id = @s and type in ('place_booked', 'place_waitlisted') and user_name = data->>'bookedBy'",
            ("s", streamKey)));
    }
}
