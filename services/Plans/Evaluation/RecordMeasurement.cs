using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.Plans.Planning;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Evaluation;

public sealed record MeasurementRequest(decimal? Value, DateOnly? On, string? Source);

/// <summary><c>POST /api/plans/{id}/objectives/{objectiveId}/measurements</c>: what an objective's metric stands at, and from where.</summary>
public static class RecordMeasurement
{
    public static ObjectiveMeasured Decide(Plan plan, Guid objectiveId, MeasurementRequest request, string by, DateTimeOffset now, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(request);
        if (plan.Objectives.All(o => o.ObjectiveId != objectiveId))
        {
            throw new NotFoundException("Objective", objectiveId.ToString());
        }

        var errors = new FieldErrors();
        if (request.Value is not { } value || value is < -1_000_000_000m or > 1_000_000_000m)
        {
            errors.Add("value", "The metric's value, a number.");
        }

        if (request.On is not { } on || on < plan.StartsOn.AddYears(-1) || on > today)
        {
            errors.Add("on", "The day the figure is for: not in the future, and not more than a year before the plan starts.");
        }

        var source = errors.Text("source", request.Source, 300);
        errors.ThrowIfAny();
        return new ObjectiveMeasured(plan.Id, new Measurement(objectiveId, request.Value!.Value, request.On!.Value, source, by, now));
    }

    public static async Task<Ok<PlanView>> Handle(
        Guid id, Guid objectiveId, MeasurementRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var result = await PlanCommands.HandleAsync(store, id, http.Request.IfMatchVersion(), user,
            plan => [Decide(plan, objectiveId, request, user.SubjectId(), clock.GetUtcNow(), PlanCommands.Today(clock))], ct);
        return PlanCommands.Answer(http, result, clock);
    }
}
