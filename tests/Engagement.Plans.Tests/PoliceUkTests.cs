using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Engagement.Plans.PoliceUk;
using Engagement.ServiceDefaults;
using Engagement.Testing;

namespace Engagement.Plans.Tests;

/// <summary>The area's priorities in police.uk's shape: keys, types, HTML and date form exactly as police.uk serves them.</summary>
public sealed partial class PoliceUkTests(PlansFixture fx) : IClassFixture<PlansFixture>
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")]
    private static partial Regex PoliceUkDate();

    [Theory]
    [InlineData("2026-07-01T09:30:15.123Z", "2026-07-01T10:30:15")]
    [InlineData("2026-12-01T09:30:15Z", "2026-12-01T09:30:15")]
    [InlineData("2026-03-29T00:30:00Z", "2026-03-29T00:30:00")]
    [InlineData("2026-03-29T01:30:00Z", "2026-03-29T02:30:00")]
    public void dates_are_london_wall_clock_time_without_offset_or_fractions(string utc, string shown) =>
        Assert.Equal(shown, PoliceUkFormat.Date(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void plain_text_is_escaped_into_paragraphs() =>
        Assert.Equal("<p>Sheds &lt;again&gt; &amp; &quot;nobody&quot; came</p><p>Second line</p>", PoliceUkFormat.Html("Sheds <again> & \"nobody\" came\r\nSecond line"));

    [Fact]
    public async Task anyone_reads_the_adopted_priorities_in_police_uks_shape()
    {
        using var officer = fx.Officer("bulwell");
        using var analyst = fx.As(Roles.Analyst, "bulwell");
        using (var content = new StringContent(
            "respondent_area,issue_category,free_text,date\nbulwell,burglary,Sheds broken into <again> & nobody came,2026-07-01\nbulwell,speeding,Cars racing on Hucknall Lane,2026-07-02\nbulwell,litter,Not adopted,2026-07-03\n",
            Encoding.UTF8))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsync("/api/plans/priorities/imports/survey", content)).StatusCode);
        }

        var list = await (await officer.GetAsync("/api/plans/priorities?area=bulwell")).ArrayAsync();
        Guid IdOf(string category) => list.Single(p => p!["category"]!.GetValue<string>() == category)!.AsObject().Id();
        foreach (var category in new[] { "burglary", "speeding" })
        {
            using var adopted = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{IdOf(category)}/adopt", new { reason = "Most raised" });
            Assert.Equal(HttpStatusCode.OK, adopted.StatusCode);
        }

        var today = DateOnly.FromDateTime(London.Show(fx.Clock.GetUtcNow()).DateTime);
        using var actioned = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{IdOf("burglary")}/actions",
            new { date = today.ToString("yyyy-MM-dd"), text = "Crime prevention visits & shed alarms", outcome = "Fewer break-ins" });
        Assert.Equal(HttpStatusCode.OK, actioned.StatusCode);

        using var anonymous = fx.Anonymous();
        using var response = await anonymous.GetAsync("/api/plans/police-uk/nottinghamshire/bulwell/priorities");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var items = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        foreach (var item in items)
        {
            Assert.Equal(["issue", "issue-date", "action", "action-date"], item.EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.String, item.GetProperty("issue").ValueKind);
            Assert.Matches(PoliceUkDate(), item.GetProperty("issue-date").GetString());
        }

        var speeding = items[0];
        Assert.Equal("<p>Cars racing on Hucknall Lane</p>", speeding.GetProperty("issue").GetString());
        Assert.Equal("2026-07-02T00:00:00", speeding.GetProperty("issue-date").GetString());
        Assert.Equal(JsonValueKind.Null, speeding.GetProperty("action").ValueKind);
        Assert.Equal(JsonValueKind.Null, speeding.GetProperty("action-date").ValueKind);
        var burglary = items[1];
        Assert.Equal("<p>Sheds broken into &lt;again&gt; &amp; nobody came</p>", burglary.GetProperty("issue").GetString());
        Assert.Equal("<p>Crime prevention visits &amp; shed alarms</p>", burglary.GetProperty("action").GetString());
        Assert.Equal($"{today:yyyy-MM-dd}T00:00:00", burglary.GetProperty("action-date").GetString());

        using var unknown = await anonymous.GetAsync("/api/plans/police-uk/nottinghamshire/atlantis/priorities");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task the_route_is_declared_anonymous_where_it_is_mapped()
    {
        using var client = fx.Anonymous();
        var routes = await client.GetStringAsync("/.well-known/anonymous-routes");
        Assert.Contains("/api/plans/police-uk/nottinghamshire/{area}/priorities", routes, StringComparison.Ordinal);
    }
}
