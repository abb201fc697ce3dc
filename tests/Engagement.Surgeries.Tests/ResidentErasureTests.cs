using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using C = Engagement.Contracts;

namespace Engagement.Surgeries.Tests;

/// <summary>A resident erased in Messaging (ResidentErased over the real broker) is erased from every surgery they booked.</summary>
public sealed class ResidentErasureTests(SurgeriesFixture f) : IClassFixture<SurgeriesFixture>
{
    private Task<long> ErasuresAuditedAsync(string residentId) =>
        f.ScalarAsync<long>($"select count(*) from surgeries.audit_log where action = 'erase' and subject_type = 'resident' and subject_id = '{residentId}'");

    private Task WaitForErasureAsync(string residentId) =>
        TestInfrastructure.EventuallyAsync(() => ErasuresAuditedAsync(residentId), n => n >= 1, what: $"the erasure of {residentId} to be audited");

    [Fact]
    public async Task an_erased_resident_leaves_nothing_readable_in_any_surgery_and_a_redelivery_changes_nothing()
    {
        var resident = "erased-" + Guid.NewGuid().ToString("N")[..8];
        var neighbour = "kept-" + Guid.NewGuid().ToString("N")[..8];
        var first = (await f.ScheduleAsync(capacity: 1)).Id();
        var second = (await f.ScheduleAsync(inHours: 72)).Id();
        var confirmed = await (await f.BookAsync(second, resident, name: "Erin Gone", contact: "erin.gone@example.org")).BodyAsync();
        await f.BookAsync(first, neighbour, name: "Kim Kept", contact: "kim@example.org");
        var waitlisted = await (await f.BookAsync(first, resident, name: "Erin Gone", contact: "erin.gone@example.org")).BodyAsync();
        Assert.Equal("waitlisted", waitlisted["status"]!.GetValue<string>());

        var erasure = new C.ResidentErased(Guid.CreateVersion7(), DateTimeOffset.UtcNow, resident, resident);
        await f.PublishAsync(erasure);
        await WaitForErasureAsync(resident);

        using var team = f.Officer();
        foreach (var (surgery, booking) in new[] { (first, waitlisted.Id("bookingId")), (second, confirmed.Id("bookingId")) })
        {
            var list = await team.GetStringAsync($"/api/surgeries/{surgery}/bookings");
            Assert.DoesNotContain("Erin", list, StringComparison.Ordinal);
            Assert.DoesNotContain("erin.gone", list, StringComparison.Ordinal);
            var erased = JsonNode.Parse(list)!["bookings"]!.AsArray().Single(b => b!["bookingId"]!.GetValue<string>() == booking.ToString())!;
            Assert.Null(erased["name"]);
            Assert.Null(erased["contact"]);
            Assert.Null(erased["needs"]);
            Assert.True(erased["detailsErased"]!.GetValue<bool>());
            Assert.Equal(0L, await f.ScalarAsync<long>($"select count(*) from surgeries.mt_doc_subject_key where id = 'booking:{booking}' and data->>'key' is not null"));
        }

        // The neighbour booked at the same surgery keeps their details; the erased resident's own view has none left.
        var kept = (await team.GetFromJsonAsync<JsonObject>($"/api/surgeries/{first}/bookings"))!["bookings"]!.AsArray().Single(b => b!["residentId"]!.GetValue<string>() == neighbour)!;
        Assert.Equal("Kim Kept", kept["name"]!.GetValue<string>());
        Assert.False(kept["detailsErased"]!.GetValue<bool>());
        using var erin = f.As(Roles.Resident, resident);
        var mine = await erin.GetFromJsonAsync<JsonArray>("/api/surgeries/my-bookings");
        Assert.Equal(2, mine!.Count);
        Assert.All(mine, b => Assert.Null(b!["name"]));

        // The erasure is in the audit log that /audit reads, naming who asked and both surgeries.
        using var admin = f.As(Roles.Admin, "admin-erasure");
        var page = (await admin.GetFromJsonAsync<JsonObject>($"/api/surgeries/audit?subjectType=resident&subjectId={resident}"))!;
        var entry = Assert.Single(page["entries"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "erase")!;
        Assert.Equal(resident, entry["actor"]!.GetValue<string>());
        Assert.Equal(2, entry["detail"]!["bookings"]!.GetValue<int>());

        // Redelivered, then a marker behind it on the same queue (one message at a time): once the marker is handled,
        // so is the redelivery, and it wrote no second audit row and no second event.
        var events = await f.ScalarAsync<long>("select count(*) from surgeries.mt_events where type = 'resident_bookings_erased'");
        await f.PublishAsync(erasure);
        var marker = "marker-" + Guid.NewGuid().ToString("N")[..8];
        await f.PublishAsync(new C.ResidentErased(Guid.CreateVersion7(), DateTimeOffset.UtcNow, marker, marker));
        await WaitForErasureAsync(marker);
        Assert.Equal(1L, await ErasuresAuditedAsync(resident));
        Assert.Equal(events, await f.ScalarAsync<long>("select count(*) from surgeries.mt_events where type = 'resident_bookings_erased'"));
        Assert.Equal(2L, await f.ScalarAsync<long>($"select count(*) from surgeries.mt_events where type = 'resident_bookings_erased' and data->>'residentId' = '{resident}'"));
    }

    [Fact]
    public void erasing_a_resident_marks_only_their_bookings_not_yet_erased()
    {
        var id = Guid.NewGuid();
        var s = Surgery.Initial with
        {
            Id = id,
            Bookings = [new SurgeryBooking(Guid.NewGuid(), "r1", BookingStatus.Confirmed), new SurgeryBooking(Guid.NewGuid(), "r2", BookingStatus.Confirmed),
                new SurgeryBooking(Guid.NewGuid(), "r1", BookingStatus.Cancelled)],
        };
        var command = new C.ResidentErased(Guid.NewGuid(), DateTimeOffset.UtcNow, "r1", "r1");

        var events = Retention.ResidentErasedConsumer.Decide(s, command);
        var erased = Assert.IsType<ResidentBookingsErased>(Assert.Single(events));
        var after = s.Evolve(erased);

        Assert.Equal([s.Bookings[0].BookingId, s.Bookings[2].BookingId], erased.BookingIds);
        Assert.Equal([true, false, true], after.Bookings.Select(b => b.DetailsErased));
        Assert.Empty(Retention.ResidentErasedConsumer.Decide(after, command));
        Assert.Empty(Retention.ResidentErasedConsumer.Decide(s with { BookerDetailsErased = true }, command));
    }
    [Fact]
    public async Task a_booking_made_while_the_erasure_commits_waits_for_it_and_keeps_nothing()
    {
        var resident = "racing-" + Guid.NewGuid().ToString("N")[..8];
        var neighbour = "staying-" + Guid.NewGuid().ToString("N")[..8];
        var surgery = (await f.ScheduleAsync(inHours: 96)).Id();

        // The erasure's transaction, held open after its tombstone: exactly what the consumer writes first.
        await using var held = new Npgsql.NpgsqlConnection(f.ConnectionString);
        await held.OpenAsync();
        await using var tx = await held.BeginTransactionAsync();
        await using (var mark = new Npgsql.NpgsqlCommand(
            "select pg_advisory_xact_lock(hashtextextended('resident:' || @r, 0)); insert into surgeries.erased_residents (resident_id, erased_at) values (@r, now())", held, tx))
        {
            mark.Parameters.AddWithValue("r", resident);
            await mark.ExecuteNonQueryAsync();
        }

        var booking = f.BookAsync(surgery, resident, name: "Rae Racing", contact: "rae@example.org");
        await TestInfrastructure.EventuallyAsync(
            () => f.ScalarAsync<long>("select count(*) from pg_locks where locktype = 'advisory' and not granted"), n => n >= 1,
            what: "the booking to wait for the erasure's lock");
        Assert.False(booking.IsCompleted);
        await tx.CommitAsync();

        var refused = await booking;
        Assert.Equal(System.Net.HttpStatusCode.Gone, refused.StatusCode);
        Assert.Equal("https://engagement.example/problems/erased", (await refused.BodyAsync())["type"]!.GetValue<string>());

        // Nothing of the erased resident was kept; a neighbour's booking of the same surgery still goes through.
        Assert.Equal(System.Net.HttpStatusCode.Created, (await f.BookAsync(surgery, neighbour, name: "Sam Staying")).StatusCode);
        using var team = f.Officer();
        var list = await team.GetStringAsync($"/api/surgeries/{surgery}/bookings");
        Assert.DoesNotContain("Rae", list, StringComparison.Ordinal);
        Assert.DoesNotContain(resident, list, StringComparison.Ordinal);
        Assert.Contains("Sam Staying", list, StringComparison.Ordinal);
        Assert.Equal(0L, await f.ScalarAsync<long>($"select count(*) from surgeries.mt_events where data->>'residentId' = '{resident}'"));
    }
}
