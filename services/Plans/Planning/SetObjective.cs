using System.Security.Claims;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Planning;

public sealed record MetricRequest(string? Name, string? Definition);

public sealed record BaselineRequest(decimal? Value, string? Period);

public sealed record TargetRequest(decimal? Value, DateOnly? By);

public sealed record ObjectiveRequest(
    string? Title, MetricRequest? Metric, BaselineRequest? Baseline, TargetRequest? Target, string? DataSource, string? Owner, string? Engagement);

/// <summary>
/// <c>POST /api/plans/{id}/objectives</c> adds an objective; <c>PUT .../objectives/{objectiveId}</c> replaces one. Metric
/// and baseline may be left out while the data is gathered, but then the plan cannot be published.
/// </summary>
public static class SetObjective
{
    /// <summary>Who carries an objective out, as the force's engagement strategy names them. Reacher teams are neighbourhood teams.</summary>
    public static readonly IReadOnlyList<string> Owners = ["corporate-communications", "neighbourhood-policing-team", "citizens-in-policing"];

    /// <summary>The spectrum of public participation the force's strategy uses.</summary>
    public static readonly IReadOnlyList<string> Levels = ["inform", "consult", "involve", "collaborate", "empower"];

    public static ObjectiveSet Decide(Plan plan, Guid objectiveId, ObjectiveRequest request, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var title = errors.Text("title", request.Title, 300);
        var owner = OneOf(errors, "owner", request.Owner, Owners);
        var level = OneOf(errors, "engagement", request.Engagement, Levels);
        var dataSource = errors.Text("dataSource", request.DataSource, 300, required: false);
        Metric? metric = null;
        if (request.Metric is { } m)
        {
            metric = new Metric(errors.Text("metric.name", m.Name, 200), errors.Text("metric.definition", m.Definition, 1000));
        }

        Baseline? baseline = null;
        if (request.Baseline is { } b)
        {
            if (b.Value is null)
            {
                errors.Add("baseline.value", "Required.");
            }

            baseline = new Baseline(b.Value ?? 0, errors.Text("baseline.period", b.Period, 100));
        }

        Target? target = null;
        if (request.Target is { } t)
        {
            if (t.Value is null)
            {
                errors.Add("target.value", "Required.");
            }

            if (t.By is not { } targetBy || targetBy < plan.StartsOn || targetBy > plan.EndsOn.AddYears(2))
            {
                errors.Add("target.by", $"A date from the plan's start ({plan.StartsOn:yyyy-MM-dd}), within two years of its end.");
            }

            target = new Target(t.Value ?? 0, t.By ?? default);
        }

        errors.ThrowIfAny();
        return new ObjectiveSet(plan.Id, new Objective(objectiveId, title, metric, baseline, target, dataSource.Length == 0 ? null : dataSource, owner, level), by, now);
    }

    private static string OneOf(FieldErrors errors, string field, string? value, IReadOnlyList<string> allowed)
    {
        var v = value?.Trim().ToLowerInvariant() ?? "";
        if (!allowed.Contains(v))
        {
            errors.Add(field, $"One of: {string.Join(", ", allowed)}.");
        }

        return v;
    }

    public static async Task<Ok<PlanView>> Add(
        Guid id, ObjectiveRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var objectiveId = http.Request.ResourceId("objective");
        var result = await PlanCommands.HandleAsync(store, id, http.Request.IfMatchVersion(), user, plan =>
            plan.Objectives.Any(o => o.ObjectiveId == objectiveId) ? [] : [Decide(plan, objectiveId, request, user.SubjectId(), clock.GetUtcNow())], ct);
        return PlanCommands.Answer(http, result, clock);
    }

    public static async Task<Ok<PlanView>> Replace(
        Guid id, Guid objectiveId, ObjectiveRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var ifMatch = http.Request.RequireIfMatchVersion();
        var result = await PlanCommands.HandleAsync(store, id, ifMatch, user, plan =>
            plan.Objectives.Any(o => o.ObjectiveId == objectiveId)
                ? [Decide(plan, objectiveId, request, user.SubjectId(), clock.GetUtcNow())]
                : throw new NotFoundException("Objective", objectiveId.ToString()), ct);
        return PlanCommands.Answer(http, result, clock);
    }
}
