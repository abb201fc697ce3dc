using System.Security.Claims;
using Engagement.EventStore;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.Scheduling;

public sealed record ScheduleSurgeryRequest(
    string? AreaCode, string? Title, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, VenueRequest? Venue, int? Capacity,
    HostOfficerRequest? HostOfficer, IReadOnlyList<string>? Topics);

public static class ScheduleSurgery
{
    /// <summary>The decision: a valid request becomes SurgeryScheduled, or every broken rule is reported at once.</summary>
    public static SurgeryScheduled Decide(Guid id, ScheduleSurgeryRequest request, DateTimeOffset now, AreaDirectory areas, string by, Guid? seriesId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rules = new Rules();
        rules.Area("areaCode", request.AreaCode, areas);
        var title = rules.Text("title", request.Title, 200);
        rules.Times(request.StartsAt, request.EndsAt, now);
        var venue = rules.Venue("venue", request.Venue);
        rules.Capacity(request.Capacity);
        var host = rules.Host(request.HostOfficer);
        var topics = rules.Topics(request.Topics);
        rules.ThrowIfAny();
        return new SurgeryScheduled(id, request.AreaCode!, title, request.StartsAt!.Value.ToUniversalTime(), request.EndsAt!.Value.ToUniversalTime(),
            venue!, request.Capacity, host!, topics, seriesId, by);
    }

    public static async Task<Results<Created<SurgeryView>, Ok<SurgeryView>>> Handle(
        ScheduleSurgeryRequest request, HttpContext http, ClaimsPrincipal user, EventStore.EventStore store, AreaDirectory areas, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = http.Request.ResourceId("schedule-surgery");
        if (await store.LoadAsync<SurgeryDocument>(id.ToString(), ct) is { State.Exists: true } existing)
        {
            // The same Idempotency-Key again: the first answer, not a second surgery.
            return Answer(http, existing, created: true);
        }

        var scheduled = Decide(id, request, clock.GetUtcNow(), areas, user.SubjectId());
        user.RequireArea(scheduled.AreaCode);
        await using (var conn = await store.DataSource.OpenConnectionAsync(ct))
        {
            if (await OfficerSlots.FindClashAsync(conn, store.Schema, scheduled.HostOfficer.Id, scheduled.StartsAt, scheduled.EndsAt, [id], ct) is { } clash)
            {
                throw OfficerSlots.Clash(clash, scheduled.HostOfficer);
            }
        }

        await using var session = store.OpenSession(new EventMetadata(UserId: user.SubjectId()));
        session.StartStream(Surgery.StreamId(id), Surgery.StreamType, [scheduled]);
        session.Execute((c, tx, t) => OfficerSlots.HoldAsync(c, tx, store.Schema, id, scheduled.HostOfficer.Id, scheduled.StartsAt, scheduled.EndsAt, t));
        try
        {
            await OfficerSlots.SaveAsync(store, session, [(id, scheduled.HostOfficer, scheduled.StartsAt, scheduled.EndsAt)], ct);
        }
        catch (ConcurrencyException)
        {
            // A concurrent request with the same Idempotency-Key made it first.
            return Answer(http, await SurgeryLoader.LoadAsync(store, id, ct), created: true);
        }

        return Answer(http, await SurgeryLoader.LoadAsync(store, id, ct), created: true);
    }

    public static Results<Created<SurgeryView>, Ok<SurgeryView>> Answer(HttpContext http, SurgeryDocument doc, bool created)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(doc);
        http.Response.Headers.ETag = ExpectedVersion.ToETag(doc.Version);
        var view = SurgeryView.From(doc);
        return created ? TypedResults.Created($"/api/surgeries/{view.Id}", view) : TypedResults.Ok(view);
    }
}
