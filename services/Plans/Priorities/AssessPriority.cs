using System.Security.Claims;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Engagement.Plans.Priorities;

public sealed record AssessPriorityRequest(IReadOnlyDictionary<string, int>? Scores);

/// <summary>What an assessment scores: each dimension in force with its weight, each from 0 to <paramref name="ScaleMax"/>.</summary>
public sealed record AssessmentScale(int ScaleMax, IReadOnlyList<AssessmentDimension> Dimensions);

public sealed record AssessmentDimension(string Name, double Weight);

/// <summary><c>POST /api/plans/priorities/{id}/assessment</c>: the threat, risk and harm scores of a priority, one per dimension in force.</summary>
public static class AssessPriority
{
    public static PriorityAssessed Decide(Priority state, AssessPriorityRequest request, RankingOptions ranking, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(ranking);
        var errors = new FieldErrors();
        var scores = request.Scores ?? new Dictionary<string, int>();
        foreach (var d in ranking.Dimensions)
        {
            if (!scores.TryGetValue(d, out var s))
            {
                errors.Add($"scores.{d}", $"Required: 0 to {ranking.ScaleMax}.");
            }
            else if (s < 0 || s > ranking.ScaleMax)
            {
                errors.Add($"scores.{d}", $"From 0 to {ranking.ScaleMax}.");
            }
        }

        foreach (var unknown in scores.Keys.Except(ranking.Dimensions))
        {
            errors.Add($"scores.{unknown}", $"Not a dimension in use; the dimensions are {string.Join(", ", ranking.Dimensions)}.");
        }

        errors.ThrowIfAny();
        if (state.Status == PriorityStatus.Closed)
        {
            throw new ConflictException("priority-closed", "The priority is closed.", "A closed priority is not assessed again until it is raised again.");
        }

        return new PriorityAssessed(state.Id, ranking.Dimensions.ToDictionary(d => d, d => scores[d]), by, now);
    }

    /// <summary><c>GET /api/plans/priorities/assessment-scale</c>: the dimensions are configuration, so a client asks rather than assumes MoRiLE's.</summary>
    public static Ok<AssessmentScale> Scale(IOptions<RankingOptions> ranking)
    {
        var options = ranking.Value;
        return TypedResults.Ok(new AssessmentScale(options.ScaleMax, options.Dimensions.Select(d => new AssessmentDimension(d, options.Weights[d])).ToList()));
    }

    public static async Task<Ok<PriorityView>> Handle(
        Guid id, AssessPriorityRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, IOptions<RankingOptions> ranking, TimeProvider clock,
        CancellationToken ct)
    {
        var result = await PriorityCommands.HandleAsync(store, id, http.Request.IfMatchVersion(), user,
            p => [Decide(p, request, ranking.Value, user.SubjectId(), clock.GetUtcNow())], ct);
        return PriorityCommands.Answer(http, result, ranking.Value, clock);
    }
}
