using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Marten;
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
        ScheduleSurgeryRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, AreaDirectory areas,
        TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = http.Request.ResourceId("schedule-surgery");
        var result = await CommandPath.HandleAsync<SurgeryDocument>(store, Surgery.StreamId(id), null, (doc, _) =>
        {
            if (doc.State.Exists)
            {
                // The same Idempotency-Key again (or a concurrent twin that won): the first answer, not a second surgery.
                return [];
            }

            var scheduled = Decide(id, request, clock.GetUtcNow(), areas, user.SubjectId());
            user.RequireArea(scheduled.AreaCode);
            return [scheduled];
        }, (session, doc, t) => OfficerSlots.HoldAsync(session, settings, [OfficerSlot.Of(doc.State)], t), user.SubjectId(), ct);
        return Answer(http, result.State.State, result.Version, created: true);
    }

    public static Results<Created<SurgeryView>, Ok<SurgeryView>> Answer(HttpContext http, Surgery surgery, long version, bool created)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.ETag = Requests.ETag(version);
        var view = SurgeryView.From(surgery, version);
        return created ? TypedResults.Created($"/api/surgeries/{view.Id}", view) : TypedResults.Ok(view);
    }

    /// <summary>The answer to a change: the surgery as the change left it, with its new version as the ETag.</summary>
    public static Ok<SurgeryView> Changed(HttpContext http, CommandResult<SurgeryDocument> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return (Ok<SurgeryView>)Answer(http, result.State.State, result.Version, created: false).Result;
    }
}
