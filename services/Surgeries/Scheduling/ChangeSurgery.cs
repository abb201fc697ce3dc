using System.Security.Claims;
using Engagement.EventStore;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.Scheduling;

/// <summary>Any of these may change; what is left out stays as it is.</summary>
public sealed record ChangeSurgeryRequest(string? Title, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, VenueRequest? Venue);

public sealed record CancelSurgeryRequest(string? Reason);

public static class ChangeSurgery
{
    public static SurgeryRescheduled Decide(Surgery s, ChangeSurgeryRequest request, DateTimeOffset now, string by)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(request);
        if (s.Status != SurgeryStatus.Scheduled)
        {
            throw new ConflictException("surgery-not-open", $"This surgery is {s.Status.ToString().ToLowerInvariant()} and can no longer change.");
        }

        if (s.StartsAt <= now)
        {
            throw new ConflictException("surgery-started", "This surgery has started and can no longer change.");
        }

        var rules = new Rules();
        var title = request.Title is null ? s.Title : rules.Text("title", request.Title, 200);
        var startsAt = request.StartsAt ?? s.StartsAt;
        var endsAt = request.EndsAt ?? s.EndsAt;
        rules.Times(startsAt, endsAt, now);
        var venue = request.Venue is null ? s.Venue : rules.Venue("venue", request.Venue);
        rules.ThrowIfAny();
        if (title == s.Title && startsAt == s.StartsAt && endsAt == s.EndsAt && venue == s.Venue)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["body"] = ["Nothing would change."] });
        }

        return new SurgeryRescheduled(s.Id, s.AreaCode, title, startsAt.ToUniversalTime(), endsAt.ToUniversalTime(), venue!, s.BookedResidentIds, by);
    }

    public static async Task<Ok<SurgeryView>> Handle(Guid id, ChangeSurgeryRequest request, HttpContext http, ClaimsPrincipal user, EventStore.EventStore store, TimeProvider clock, CancellationToken ct)
    {
        var expected = http.Request.RequireIfMatch();
        var doc = await SurgeryLoader.LoadAsync(store, id, ct);
        user.RequireArea(doc.State.AreaCode);
        if (expected.Value != doc.Version)
        {
            throw new ConcurrencyException(Surgery.StreamId(id), expected.Value ?? 0, doc.Version, VersionSource.IfMatch);
        }

        var changed = Decide(doc.State, request, clock.GetUtcNow(), user.SubjectId());
        if (changed.StartsAt != doc.State.StartsAt || changed.EndsAt != doc.State.EndsAt)
        {
            await using var conn = await store.DataSource.OpenConnectionAsync(ct);
            if (await OfficerSlots.FindClashAsync(conn, store.Schema, doc.State.Host.Id, changed.StartsAt, changed.EndsAt, [id], ct) is { } clash)
            {
                throw OfficerSlots.Clash(clash, doc.State.Host);
            }
        }

        await using var session = store.OpenSession(new EventMetadata(UserId: user.SubjectId()));
        session.Append(Surgery.StreamId(id), Surgery.StreamType, expected, [changed]);
        session.Execute((c, tx, t) => OfficerSlots.HoldAsync(c, tx, store.Schema, id, doc.State.Host.Id, changed.StartsAt, changed.EndsAt, t));
        await OfficerSlots.SaveAsync(store, session, [(id, doc.State.Host, changed.StartsAt, changed.EndsAt)], ct);
        return (Ok<SurgeryView>)ScheduleSurgery.Answer(http, await SurgeryLoader.LoadAsync(store, id, ct), created: false).Result;
    }
}

public static class CancelSurgery
{
    public static SurgeryCancelled Decide(Surgery s, CancelSurgeryRequest request, DateTimeOffset now, string by)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(request);
        var rules = new Rules();
        var reason = rules.Text("reason", request.Reason, 500);
        rules.ThrowIfAny();
        if (s.Status != SurgeryStatus.Scheduled)
        {
            throw new ConflictException("surgery-not-open", $"This surgery is already {s.Status.ToString().ToLowerInvariant()}.");
        }

        if (s.EndsAt <= now)
        {
            throw new ConflictException("surgery-over", "This surgery is over; record its outcome instead.");
        }

        return new SurgeryCancelled(s.Id, s.AreaCode, s.StartsAt, reason, s.BookedResidentIds, by);
    }

    public static async Task<Ok<SurgeryView>> Handle(Guid id, CancelSurgeryRequest request, HttpContext http, ClaimsPrincipal user, EventStore.EventStore store, TimeProvider clock, CancellationToken ct)
    {
        var doc = await SurgeryLoader.LoadAsync(store, id, ct);
        user.RequireArea(doc.State.AreaCode);
        var expected = http.Request.IfMatchOr(doc.Version);
        var cancelled = Decide(doc.State, request, clock.GetUtcNow(), user.SubjectId());
        await using var session = store.OpenSession(new EventMetadata(UserId: user.SubjectId()));
        session.Append(Surgery.StreamId(id), Surgery.StreamType, expected, [cancelled]);
        session.Execute((c, tx, t) => OfficerSlots.ReleaseAsync(c, tx, store.Schema, id, t));
        await session.SaveChangesAsync(ct);
        return (Ok<SurgeryView>)ScheduleSurgery.Answer(http, await SurgeryLoader.LoadAsync(store, id, ct), created: false).Result;
    }
}
