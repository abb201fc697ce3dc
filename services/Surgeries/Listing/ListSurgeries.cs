using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.Listing;

/// <summary>Published surgeries, for anyone, with no personal data.</summary>
public static class ListSurgeries
{
    public static async Task<Results<Ok<IReadOnlyList<SurgeryView>>, ValidationProblem>> List(
        string? area, DateTimeOffset? from, DateTimeOffset? to, IQuerySession session, AreaDirectory areas, TimeProvider clock, CancellationToken ct)
    {
        if (area is not null && !areas.Exists(area))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["area"] = [$"'{area}' is not a Neighbourhood Policing Area."] });
        }

        var start = from ?? clock.GetUtcNow().AddDays(-1);
        var end = to ?? start.AddDays(120);
        if (end <= start || end - start > TimeSpan.FromDays(400))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["Must be after from, and at most 400 days later."] });
        }

        var query = session.Query<SurgeryDocument>().Where(d => d.State.StartsAt >= start && d.State.StartsAt < end);
        if (area is not null)
        {
            query = query.Where(d => d.State.AreaCode == area);
        }

        var docs = await query.OrderBy(d => d.State.StartsAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<SurgeryView>>(docs.Select(SurgeryView.From).ToList());
    }

    public static async Task<Ok<SurgeryView>> Get(Guid id, IQuerySession session, HttpContext http, CancellationToken ct)
    {
        var doc = await SurgeryCommands.LoadAsync(session, id, ct);
        http.Response.Headers.ETag = Requests.ETag(doc.Version);
        return TypedResults.Ok(SurgeryView.From(doc));
    }
}
