using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Marten;
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

    public static async Task<Ok<SurgeryView>> Handle(
        Guid id, ChangeSurgeryRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var ifMatch = http.Request.RequireIfMatchVersion();
        var moved = false;
        var result = await SurgeryCommands.HandleAsync(store, id, ifMatch, user.SubjectId(), s =>
        {
            user.RequireArea(s.AreaCode);
            var changed = Decide(s, request, clock.GetUtcNow(), user.SubjectId());
            moved = changed.StartsAt != s.StartsAt || changed.EndsAt != s.EndsAt;
            return [changed];
        }, async (session, s, t) =>
        {
            if (moved)
            {
                await OfficerSlots.HoldAsync(session, settings, [OfficerSlot.Of(s)], t);
            }
        }, ct);
        return ScheduleSurgery.Changed(http, result);
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

    public static async Task<Ok<SurgeryView>> Handle(
        Guid id, CancelSurgeryRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var result = await SurgeryCommands.HandleAsync(store, id, http.Request.IfMatchVersion(), user.SubjectId(), s =>
        {
            user.RequireArea(s.AreaCode);
            return [Decide(s, request, clock.GetUtcNow(), user.SubjectId())];
        }, (session, _, t) => OfficerSlots.ReleaseAsync(session, settings.Schema, id, t), ct);
        return ScheduleSurgery.Changed(http, result);
    }
}
