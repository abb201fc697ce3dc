using System.Security.Claims;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Planning;

/// <param name="Reason">Why this revision was made: an emerging community, a tension after an incident, the quarterly review.</param>
public sealed record PublishPlanRequest(string? Reason);

/// <summary><c>POST /api/plans/{id}/publish</c>: the plan as it stands becomes its next revision; emits PlanPublished.</summary>
public static class PublishPlan
{
    /// <summary>Objectives that cannot be measured yet, each with what it lacks: a plan with any of them is not published.</summary>
    public static IReadOnlyList<string> Missing(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Objectives
            .Where(o => Lacks(o) is not null)
            .Select(o => $"{o.Title} ({o.ObjectiveId}) lacks {Lacks(o)}")
            .ToList();
    }

    /// <summary>What keeps one objective from being measured ("a metric", "a baseline", or both), or null when nothing does.</summary>
    public static string? Lacks(Objective objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return (objective.Metric, objective.Baseline) switch
        {
            (null, null) => "a metric and a baseline",
            (null, _) => "a metric",
            (_, null) => "a baseline",
            _ => null,
        };
    }

    public static PlanPublished Decide(Plan plan, PublishPlanRequest request, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        // The first publication needs no reason; every revision after it says why it was made.
        var reason = errors.Text("reason", request.Reason, 1000, required: plan.Revisions.Count > 0);
        errors.ThrowIfAny();
        if (plan.Objectives.Count == 0)
        {
            throw new DomainException(StatusCodes.Status422UnprocessableEntity, "plan-has-no-objectives", "The plan has no objectives.",
                "Add at least one measurable objective before publishing.");
        }

        var missing = Missing(plan);
        if (missing.Count > 0)
        {
            // "objectives" lists them all; objectives[i] names each one by its place in the plan, so a client shows
            // the message beside that objective as it does any other field's.
            var named = new Dictionary<string, string[]> { ["objectives"] = missing.ToArray() };
            for (var i = 0; i < plan.Objectives.Count; i++)
            {
                if (Lacks(plan.Objectives[i]) is { } lacks)
                {
                    named[$"objectives[{i}]"] = [$"Needs {lacks} before the plan is published."];
                }
            }

            throw new DomainException(StatusCodes.Status422UnprocessableEntity, "objectives-not-measurable", "Some objectives cannot be measured yet.",
                $"Every objective needs a metric and a baseline before the plan is published: {string.Join("; ", missing)}.", named);
        }

        return new PlanPublished(plan.Id, plan.AreaCode, plan.StartsOn, plan.EndsOn,
            new Revision(plan.Revisions.Count + 1, reason.Length > 0 ? reason : "First publication.", by, now, plan.Objectives));
    }

    public static async Task<Ok<PlanView>> Handle(
        Guid id, PublishPlanRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var ifMatch = http.Request.RequireIfMatchVersion();
        var result = await PlanCommands.HandleAsync(store, id, ifMatch, user, plan => [Decide(plan, request, user.SubjectId(), clock.GetUtcNow())], ct);
        return PlanCommands.Answer(http, result, clock);
    }
}
