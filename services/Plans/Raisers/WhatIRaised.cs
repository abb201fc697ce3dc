using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.Plans.Priorities;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Raisers;

/// <summary>What was done, as a resident is told it: the officer who did it is not named.</summary>
public sealed record RaisedAction(DateOnly On, string Text, string? Outcome);

/// <param name="PassedTo">The partner agency the issue was passed to, when it was.</param>
public sealed record RaisedIssue(
    Guid PriorityId, string AreaCode, string Category, string Issue, DateTimeOffset RaisedAt, string Status, string? PassedTo,
    IReadOnlyList<RaisedAction> Actions, DateTimeOffset? ClosedAt);

/// <summary>
/// <c>GET /api/plans/raised</c>: "what happened to what I raised". It lives in Plans, not beside the inbox in Messaging,
/// because Plans holds each priority's status and every action as they are now; the inbox holds only the messages sent
/// when an action was recorded. A resident sees only the priorities their own id raised (their token's subject), and
/// never who else raised them.
/// </summary>
public static class WhatIRaised
{
    /// <summary>The priorities whose current round <paramref name="residentId"/> raised: one query, used by the view and by erasure.</summary>
    public static async Task<IReadOnlyList<PriorityDocument>> PrioritiesRaisedByAsync(IQuerySession session, string residentId, CancellationToken ct) =>
        await session.Query<PriorityDocument>().Where(d => d.State.Mentions.Any(m => m.RaiserIds.Contains(residentId))).ToListAsync(ct);

    public static async Task<Ok<IReadOnlyList<RaisedIssue>>> Handle(ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings, CancellationToken ct)
    {
        var residentId = user.SubjectId();
        var raised = await PrioritiesRaisedByAsync(session, residentId, ct);
        await using (var conn = await settings.DataSource.OpenConnectionAsync(ct))
        {
            await Audit.RecordAsync(conn, null, settings.Schema, user, new Audit.Entry("consult", "resident", residentId, "resident read what became of the issues they raised",
                new { priorities = raised.Count }), ct);
        }

        return TypedResults.Ok<IReadOnlyList<RaisedIssue>>(raised.Select(d => d.State)
            .Select(p => new RaisedIssue(p.Id, p.AreaCode, p.Category, p.Issue, London.Show(p.RaisedAt), p.Status, p.Referral?.Partner,
                p.Actions.Select(a => new RaisedAction(a.On, a.Text, a.Outcome)).ToList(), p.Closure is { } c ? London.Show(c.At) : null))
            .OrderByDescending(r => r.RaisedAt).ToList());
    }
}
