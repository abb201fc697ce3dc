using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Engagement.ServiceDefaults;
using Engagement.Testing;

namespace Engagement.Surgeries.Tests;

/// <summary>An area's surgeries in police.uk's events shape: keys, types and date form exactly as police.uk serves them.</summary>
public sealed partial class PoliceUkEventsTests(SurgeriesFixture f) : IClassFixture<SurgeriesFixture>
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")]
    private static partial Regex PoliceUkDate();

    private async Task<Guid> ScheduleAtAsync(string area, DateOnly day, TimeOnly time, string title, string? notes = null)
    {
        // An officer each: one officer's surgeries on the same day must be apart, which is not what this test is about.
        var body = f.SurgeryBody($"pc-{area}-{day:MMdd}{time:HHmm}", area: area, title: title);
        var starts = London.At(day, time);
        body["startsAt"] = starts.ToString("O");
        body["endsAt"] = starts.AddMinutes(90).ToString("O");
        body["venue"]!["notes"] = notes;
        using var officer = f.Officer();
        var response = await officer.PostAsJsonAsync("/api/surgeries", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.BodyAsync()).Id();
    }

    [Fact]
    public async Task anyone_reads_an_areas_coming_surgeries_in_police_uks_shape_in_london_time_across_the_clock_change()
    {
        var today = DateOnly.FromDateTime(London.Show(f.Clock.GetUtcNow()).DateTime);
        var summer = new DateOnly(today.Year + 1, 6, 15);
        var winter = new DateOnly(today.Year + 1, 1, 12);
        await ScheduleAtAsync("radford", summer, new TimeOnly(18, 30), "Tea & talk", "Use the side door <rear>");
        await ScheduleAtAsync("radford", winter, new TimeOnly(10, 0), "Winter surgery");
        var cancelled = await ScheduleAtAsync("radford", winter, new TimeOnly(14, 0), "Cancelled surgery");
        await ScheduleAtAsync("basford", winter, new TimeOnly(10, 0), "Another area's surgery");
        using (var officer = f.Officer())
        {
            (await officer.PostAsJsonAsync($"/api/surgeries/{cancelled}/cancel", new { reason = "Venue closed" })).EnsureSuccessStatusCode();
        }

        using var anonymous = f.Anonymous();
        using var response = await anonymous.GetAsync("/api/surgeries/police-uk/nottinghamshire/radford/events");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Array, json.RootElement.ValueKind);
        var items = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        foreach (var item in items)
        {
            Assert.Equal(["address", "contact_details", "description", "end_date", "start_date", "title", "type"],
                item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            foreach (var key in new[] { "title", "description", "address", "type", "start_date", "end_date" })
            {
                Assert.Equal(JsonValueKind.String, item.GetProperty(key).ValueKind);
            }

            Assert.Equal(JsonValueKind.Object, item.GetProperty("contact_details").ValueKind);
            Assert.Empty(item.GetProperty("contact_details").EnumerateObject());
            Assert.Equal("surgery", item.GetProperty("type").GetString());
            Assert.Matches(PoliceUkDate(), item.GetProperty("start_date").GetString()!);
            Assert.Matches(PoliceUkDate(), item.GetProperty("end_date").GetString()!);
        }

        // Soonest first; Greenwich time in January, summer time in June, both as the wall clock in London reads.
        Assert.Equal("Winter surgery", items[0].GetProperty("title").GetString());
        Assert.Equal($"{winter:yyyy-MM-dd}T10:00:00", items[0].GetProperty("start_date").GetString());
        Assert.Equal($"{winter:yyyy-MM-dd}T11:30:00", items[0].GetProperty("end_date").GetString());
        Assert.Equal($"{summer:yyyy-MM-dd}T18:30:00", items[1].GetProperty("start_date").GetString());
        Assert.Equal($"{summer:yyyy-MM-dd}T20:00:00", items[1].GetProperty("end_date").GetString());
        // Title and address are plain text; the description is HTML escaped from ours, a paragraph a line.
        Assert.Equal("Tea & talk", items[1].GetProperty("title").GetString());
        Assert.Equal("Bulwell Library, Highbury Vale, Nottingham, NG6 9AB", items[1].GetProperty("address").GetString());
        Assert.Equal($"<p>Hosted by PC pc-radford-{summer:MMdd}1830.</p><p>Topics: asb, burglary.</p><p>Booking: places are limited.</p><p>The venue is step-free.</p>"
            + "<p>Use the side door &lt;rear&gt;</p>", items[1].GetProperty("description").GetString());

        using var unknown = await anonymous.GetAsync("/api/surgeries/police-uk/nottinghamshire/atlantis/events");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }
}
