using Engagement.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.Listing;

/// <summary>Published surgeries, for anyone, with no personal data.</summary>
public static class ListSurgeries
{
    public static async Task<Results<Ok<IReadOnlyList<SurgeryView>>, ValidationProblem>> List(
        string? area, DateTimeOffset? from, DateTimeOffset? to, EventStore.EventStore store, AreaDirectory areas, TimeProvider clock, CancellationToken ct)
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

        var docs = await store.QueryAsync<SurgeryDocument>(
            "(@area::text is null or data->'state'->>'areaCode' = @area) and (data->'state'->>'startsAt')::timestamptz >= @from and (data->'state'->>'startsAt')::timestamptz < @to",
            new Dictionary<string, object?> { ["area"] = area, ["from"] = start.UtcDateTime, ["to"] = end.UtcDateTime },
            orderBy: "(data->'state'->>'startsAt')::timestamptz", limit: 500, ct: ct);
        return TypedResults.Ok<IReadOnlyList<SurgeryView>>(docs.Select(SurgeryView.From).ToList());
    }

    public static async Task<Ok<SurgeryView>> Get(Guid id, EventStore.EventStore store, HttpContext http, CancellationToken ct)
    {
        var doc = await store.LoadAsync<SurgeryDocument>(id.ToString(), ct) ?? throw new NotFoundException("Surgery", id.ToString());
        http.Response.Headers.ETag = EventStore.ExpectedVersion.ToETag(doc.Version);
        return TypedResults.Ok(SurgeryView.From(doc));
    }
}
