using System.Net;
using System.Net.Http.Json;
using Engagement.Testing;
using C = Engagement.Contracts;

namespace Engagement.Surgeries.Tests;

/// <summary>Who raised each issue, and who agreed to hear what was done about it: only they leave the service, as ids.</summary>
public sealed class HearBackTests(SurgeriesFixture f) : IClassFixture<SurgeriesFixture>
{
    [Fact]
    public async Task only_raisers_who_consented_at_booking_or_at_the_surgery_leave_with_their_issue_as_resident_ids()
    {
        var s = await f.ScheduleAsync(inHours: 1);
        var id = s.Id();
        var yes = (await (await f.BookAsync(id, "hb-yes", name: "Yasmin Yes", consentToHearBack: true)).BodyAsync()).Id("bookingId");
        (await f.BookAsync(id, "hb-no", name: "Nadia No")).EnsureSuccessStatusCode();
        (await f.BookAsync(id, "hb-later", name: "Lee Later", consentToHearBack: false)).EnsureSuccessStatusCode();
        using var team = f.Officer();
        var bookings = (await team.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/surgeries/{id}/bookings"))!["bookings"]!.AsArray();
        Assert.Equal(["hb-yes"], bookings.Where(b => b!["consentToHearBack"]!.GetValue<bool>()).Select(b => b!["residentId"]!.GetValue<string>()));
        Assert.Equal(1, await f.ScalarAsync<long>(
            $"select count(*) from surgeries.audit_log where action = 'collect' and subject_id = '{yes}' and detail ->> 'consentToHearBack' = 'true'"));
        f.Clock.Advance(TimeSpan.FromHours(2));

        var stranger = await team.PostAsJsonAsync($"/api/surgeries/{id}/outcome", new
        {
            attendance = 3,
            issuesRaised = new[] { new { category = "asb", summary = "Noise", raisedBy = new[] { "hb-yes", "hb-nobody" } } },
            consentGivenBy = new[] { Guid.NewGuid().ToString() },
        });
        Assert.Equal(HttpStatusCode.BadRequest, stranger.StatusCode);
        var errors = (await stranger.BodyAsync())["errors"]!.AsObject();
        Assert.Equal(["consentGivenBy[0]", "issuesRaised[0].raisedBy[1]"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));

        var recorded = await team.PostAsJsonAsync($"/api/surgeries/{id}/outcome", new
        {
            attendance = 3,
            issuesRaised = new[]
            {
                new { category = "asb", summary = "Motorbikes on the estate at night", raisedBy = new[] { yes.ToString(), "hb-no", "hb-later" } },
                new { category = "road-safety", summary = "Speeding on Hucknall Lane", raisedBy = new[] { "hb-no" } },
            },
            consentGivenBy = new[] { "hb-later" },
        });
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        // Anyone may read a surgery's outcome; who raised what stays with the hosting team.
        using var anyone = f.Anonymous();
        Assert.DoesNotContain("hb-", await anyone.GetStringAsync($"/api/surgeries/{id}"), StringComparison.Ordinal);

        var held = await TestInfrastructure.EventuallyAsync(() => Task.FromResult(f.Published.Of<C.SurgeryHeld>().FirstOrDefault(h => h.SurgeryId == id)),
            h => h is not null, what: "SurgeryHeld over the broker");
        Assert.Equal(["hb-later", "hb-yes"], held!.IssuesRaised[0].RaiserIds.Order(StringComparer.Ordinal));
        Assert.Empty(held.IssuesRaised[1].RaiserIds);
        Assert.Equal(4, await f.ScalarAsync<long>(
            $"select count(*) from surgeries.audit_log where action = 'collect' and reason = 'named as a raiser of an issue at the surgery' and detail ->> 'surgeryId' = '{id}'"));
        Assert.Equal(1, await f.ScalarAsync<long>(
            $"select count(*) from surgeries.audit_log where action = 'change' and reason = 'consent to hear back given at the surgery' and detail ->> 'surgeryId' = '{id}'"));
        var bookingsAfter = (await team.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/surgeries/{id}/bookings"))!["bookings"]!.AsArray();
        Assert.Equal(["hb-later", "hb-yes"], bookingsAfter.Where(b => b!["consentToHearBack"]!.GetValue<bool>()).Select(b => b!["residentId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }
}
