using System.Security.Claims;
using System.Text.RegularExpressions;
using Engagement.MartenAdditions;
using Engagement.Plans.Planning;
using Engagement.Plans.Priorities;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Activities;

public sealed record ActivityRequest(
    string? Kind, DateOnly? On, string? Summary, string? TargetCommunity, string? Channel, Guid? PriorityId, Guid? ObjectiveId, int? PeopleReached);

/// <summary><c>POST /api/plans/{id}/activities</c> and the list: what the plan's owners did, against the plan.</summary>
public static partial class LogActivity
{
    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex ChannelName();

    public static ActivityLogged Decide(Plan plan, Priority? priority, Guid id, ActivityRequest request, string by, DateTimeOffset now, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        if (request.Kind is null || !ActivityDocument.Kinds.Contains(request.Kind, StringComparer.Ordinal))
        {
            errors.Add("kind", $"One of: {string.Join(", ", ActivityDocument.Kinds)}.");
        }

        if (request.On is not { } on || on < plan.StartsOn || on > plan.EndsOn || on > today)
        {
            errors.Add("on", $"A day within the plan's period ({plan.StartsOn:yyyy-MM-dd} to {plan.EndsOn:yyyy-MM-dd}), not in the future.");
        }

        var summary = errors.Text("summary", request.Summary, 1000);
        var channel = errors.Text("channel", request.Channel, 40);
        if (channel.Length > 0 && !ChannelName().IsMatch(channel))
        {
            errors.Add("channel", "Lower-case words joined by hyphens, such as face-to-face, whatsapp or email.");
        }

        var community = errors.Text("targetCommunity", request.TargetCommunity, 200, required: false);
        if (request.ObjectiveId is { } objective && plan.Objectives.All(o => o.ObjectiveId != objective))
        {
            errors.Add("objectiveId", "Not an objective of this plan.");
        }

        if (request.PriorityId is not null && priority is not { Exists: true } || priority is { } p && p.AreaCode != plan.AreaCode)
        {
            errors.Add("priorityId", "Not a priority of this plan's area.");
        }

        if (request.PeopleReached is < 0 or > 10_000_000)
        {
            errors.Add("peopleReached", "A count from 0 to 10,000,000.");
        }

        errors.ThrowIfAny();
        return new ActivityLogged(id, plan.AreaCode, plan.Id, request.Kind!, request.On!.Value, summary, community.Length == 0 ? null : community, channel,
            request.PriorityId, request.ObjectiveId, request.PeopleReached, "officer", by, now);
    }

    public static async Task<Created<ActivityLogged>> Handle(
        Guid id, ActivityRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, IQuerySession query, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = await PlanAsync(query, id, user, ct);
        var priority = request.PriorityId is { } pid ? (await query.LoadAsync<PriorityDocument>(Priority.StreamId(pid), ct))?.State : null;
        var activityId = http.Request.ResourceId($"activity:{id}");
        var result = await CommandPath.HandleAsync<ActivityDocument>(store, ActivityDocument.StreamId(activityId), null, (doc, _) =>
            // The same Idempotency-Key again (or a concurrent twin that won): the first answer, not a second activity.
            doc.Logged is not null ? [] : [Decide(plan, priority, activityId, request, user.SubjectId(), clock.GetUtcNow(), PlanCommands.Today(clock))],
            user: user.SubjectId(), ct: ct);
        return TypedResults.Created($"/api/plans/{id}/activities", result.State.Logged!);
    }

    /// <summary>The plan's area's activities within its period (those logged automatically included), oldest first.</summary>
    public static async Task<Ok<IReadOnlyList<ActivityLogged>>> List(Guid id, ClaimsPrincipal user, IQuerySession query, CancellationToken ct)
    {
        var plan = await PlanAsync(query, id, user, ct);
        return TypedResults.Ok(await ActivityDocument.InAreaAsync(query, plan.AreaCode, plan.StartsOn, plan.EndsOn, ct));
    }

    public static async Task<Plan> PlanAsync(IQuerySession query, Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var doc = await query.LoadAsync<PlanDocument>(Plan.StreamId(id), ct);
        if (doc is not { State.Exists: true })
        {
            throw new NotFoundException("Plan", id.ToString());
        }

        user.RequireArea(doc.State.AreaCode);
        return doc.State;
    }
}
