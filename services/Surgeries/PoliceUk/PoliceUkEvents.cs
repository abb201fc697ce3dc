using System.Text.Json.Serialization;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.PoliceUk;

/// <summary>
/// One neighbourhood event exactly as police.uk's API gives it (<c>/api/{force}/{neighbourhood}/events</c>). Title and
/// address are plain text; the description is HTML escaped from ours, as police.uk's free text is. <c>contact_details</c>
/// is police.uk's object of optional channels: empty, because a surgery is reached by going to it or booking in the app.
/// </summary>
public sealed record PoliceUkEvent(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("start_date")] string StartDate,
    [property: JsonPropertyName("end_date")] string EndDate,
    [property: JsonPropertyName("contact_details")] IReadOnlyDictionary<string, string> ContactDetails);

/// <summary>
/// <c>GET /api/surgeries/police-uk/nottinghamshire/{area}/events</c>, anonymous and read-only: the area's surgeries that
/// have not ended and are not cancelled, soonest first, in police.uk's shape and date form (London local time, no offset).
/// </summary>
public static class PoliceUkEvents
{
    public const string Type = "surgery";

    public static PoliceUkEvent From(Surgery s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new PoliceUkEvent(s.Title, PoliceUkFormat.Html(SurgeryText.Description(s)), SurgeryText.Address(s.Venue), Type,
            PoliceUkFormat.Date(s.StartsAt), PoliceUkFormat.Date(s.EndsAt), new Dictionary<string, string>());
    }

    public static async Task<Ok<IReadOnlyList<PoliceUkEvent>>> Handle(string area, AreaDirectory areas, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (!areas.Exists(area))
        {
            throw new NotFoundException("Neighbourhood", area);
        }

        var now = clock.GetUtcNow();
        var docs = await session.Query<SurgeryDocument>()
            .Where(d => d.State.AreaCode == area && d.State.EndsAt >= now && d.State.Status != SurgeryStatus.Cancelled)
            .OrderBy(d => d.State.StartsAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<PoliceUkEvent>>(docs.Select(d => From(d.State)).ToList());
    }
}
