using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Planning;

public sealed record PlanView(
    Guid Id, string AreaCode, string Title, DateOnly StartsOn, DateOnly EndsOn, int ReviewEveryMonths, DateOnly NextReviewOn, bool ReviewDue,
    int? PublishedRevision, IReadOnlyList<Objective> Objectives, IReadOnlyList<string> Unpublishable, IReadOnlyList<Revision> Revisions,
    IReadOnlyList<TargetCommunity> TargetCommunities, IReadOnlyList<Measurement> Measurements, long Version)
{
    public static PlanView From(Plan p, long version, DateOnly today) => new(
        p.Id, p.AreaCode, p.Title, p.StartsOn, p.EndsOn, p.ReviewEveryMonths, p.NextReviewOn, today >= p.NextReviewOn,
        p.Revisions.Count == 0 ? null : p.Revisions[^1].Number, p.Objectives, PublishPlan.Missing(p), p.Revisions, p.Targets, p.Measurements, version);
}

/// <summary>Reading plans, and the command path every change to an existing plan goes through.</summary>
public static class PlanCommands
{
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(London.Show(clock.GetUtcNow()).DateTime);

    public static Task<CommandResult<PlanDocument>> HandleAsync(
        IDocumentStore store, Guid id, long? ifMatch, ClaimsPrincipal user, Func<Plan, IReadOnlyList<object>> decide, CancellationToken ct) =>
        AreaCommands.HandleAsync<PlanDocument>(store, "Plan", id, Plan.StreamId(id), ifMatch, user, d => d.State.Exists ? d.State.AreaCode : null, d => decide(d.State), ct);

    public static Ok<PlanView> Answer(HttpContext http, CommandResult<PlanDocument> result, TimeProvider clock)
    {
        http.Response.Headers.ETag = Requests.ETag(result.Version);
        return TypedResults.Ok(PlanView.From(result.State.State, result.Version, Today(clock)));
    }

    public static async Task<Ok<PlanView>> Get(Guid id, HttpContext http, ClaimsPrincipal user, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var doc = await session.LoadAsync<PlanDocument>(Plan.StreamId(id), ct);
        if (doc is not { State.Exists: true })
        {
            throw new NotFoundException("Plan", id.ToString());
        }

        user.RequireArea(doc.State.AreaCode);
        http.Response.Headers.ETag = Requests.ETag(doc.Version);
        return TypedResults.Ok(PlanView.From(doc.State, doc.Version, Today(clock)));
    }

    public static async Task<Ok<IReadOnlyList<PlanView>>> List(string? area, ClaimsPrincipal user, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(area))
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["area"] = ["Name the area whose plans you want."] });
        }

        user.RequireArea(area);
        var docs = await session.Query<PlanDocument>().Where(d => d.State.AreaCode == area).ToListAsync(ct);
        var today = Today(clock);
        return TypedResults.Ok<IReadOnlyList<PlanView>>(docs.OrderByDescending(d => d.State.StartsOn).Select(d => PlanView.From(d.State, d.Version, today)).ToList());
    }
}
