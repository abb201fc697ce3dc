using System.Net.Http.Json;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using C = Engagement.Contracts;

namespace Engagement.Surgeries.Tests;

public sealed class PublishedEventsTests(SurgeriesFixture f) : IClassFixture<SurgeriesFixture>
{
    [Fact]
    public async Task each_event_is_published_once_over_the_real_broker_without_personal_data()
    {
        var s = await f.ScheduleAsync(capacity: 1, inHours: 2);
        var id = s.Id();
        var first = await (await f.BookAsync(id, "pub-a", name: "Priya Private", contact: "priya@example.org")).BodyAsync();
        await f.BookAsync(id, "pub-b", name: "Quentin Quiet", contact: "07700 900456");
        using var team = f.Officer();
        using (var move = new HttpRequestMessage(HttpMethod.Patch, $"/api/surgeries/{id}") { Content = JsonContent.Create(new { title = "Moved surgery" }) })
        {
            move.Headers.TryAddWithoutValidation("If-Match", "\"3\"");
            (await team.SendAsync(move)).EnsureSuccessStatusCode();
        }

        using var a = f.As(Roles.Resident, "pub-a");
        (await a.DeleteAsync($"/api/surgeries/{id}/bookings/{first.Id("bookingId")}")).EnsureSuccessStatusCode();
        f.Clock.Advance(TimeSpan.FromHours(3));
        (await team.PostAsJsonAsync($"/api/surgeries/{id}/outcome", new { attendance = 4, issuesRaised = new[] { new { category = "asb", summary = "Noise at night" } } })).EnsureSuccessStatusCode();
        var other = await f.ScheduleAsync(inHours: 50);
        (await team.PostAsJsonAsync($"/api/surgeries/{other.Id()}/cancel", new { reason = "Officer on leave" })).EnsureSuccessStatusCode();

        await TestInfrastructure.EventuallyAsync(() => Task.FromResult(f.Published.Messages.Count(m => Mine(m.Message, id, other.Id()))), n => n >= 6,
            what: "six contracts to arrive over RabbitMQ");

        var mine = f.Published.Messages.Where(m => Mine(m.Message, id, other.Id())).ToList();
        Assert.Single(f.Published.Of<C.SurgeryScheduled>(), e => e.SurgeryId == id);
        Assert.Single(f.Published.Of<C.BookingConfirmed>(), e => e.SurgeryId == id && e.ResidentId == "pub-a");
        var rescheduled = Assert.Single(f.Published.Of<C.SurgeryRescheduled>(), e => e.SurgeryId == id);
        Assert.Equal(["pub-a", "pub-b"], rescheduled.BookedResidentIds.Order(StringComparer.Ordinal));
        var promoted = Assert.Single(f.Published.Of<C.BookingPromoted>(), e => e.SurgeryId == id);
        Assert.Equal("pub-b", promoted.ResidentId);
        Assert.Equal("bulwell", promoted.AreaCode);
        var held = Assert.Single(f.Published.Of<C.SurgeryHeld>(), e => e.SurgeryId == id);
        Assert.Equal("asb", Assert.Single(held.IssuesRaised).Category);
        Assert.Single(f.Published.Of<C.SurgeryCancelled>(), e => e.SurgeryId == other.Id());
        // Published once: no message id twice, and each message id is the event id it carries.
        Assert.Equal(mine.Count, mine.Select(m => m.MessageId).Distinct().Count());
        Assert.All(mine, m => Assert.Equal(((C.IIntegrationEvent)m.Message).EventId, m.MessageId));
        Assert.All(mine, m => Assert.DoesNotContain("Priya", m.Json, StringComparison.Ordinal));
        Assert.All(mine, m => Assert.DoesNotContain("07700", m.Json, StringComparison.Ordinal));
    }

    private static bool Mine(object message, Guid a, Guid b) => message switch
    {
        C.SurgeryScheduled e => e.SurgeryId == a,
        C.SurgeryRescheduled e => e.SurgeryId == a,
        C.SurgeryCancelled e => e.SurgeryId == b,
        C.BookingConfirmed e => e.SurgeryId == a,
        C.BookingPromoted e => e.SurgeryId == a,
        C.SurgeryHeld e => e.SurgeryId == a,
        _ => false,
    };
}
