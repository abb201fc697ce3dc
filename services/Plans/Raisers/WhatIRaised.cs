using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.Plans.Priorities;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Raisers;

/// <summary>What was done, as a resident is told it: the officer who did it is not named.</summary>
public sealed record RaisedAction(DateOnly On, string Text, string? Outcome);

/// <summary>Where and when the resident raised it: <c>surgery</c> (with the surgery's id, which residents may read) or <c>reply</c>.</summary>
public sealed record RaisedWhere(string Source, Guid? SurgeryId, DateTimeOffset At);

/// <param name="Where">Each time this resident raised it in the round (empty for a round closed before this was kept).</param>
/// <param name="PassedTo">The partner agency the issue was passed to, when it was.</param>
/// <param name="Round">The priority's round: an issue closed and raised again is a new round, and each is listed for those who raised it.</param>
public sealed record RaisedIssue(
    Guid PriorityId, int Round, string AreaCode, string Category, string Issue, DateTimeOffset RaisedAt, string Status, string? PassedTo,
    IReadOnlyList<RaisedAction> Actions, DateTimeOffset? ClosedAt, IReadOnlyList<RaisedWhere> Where);

/// <summary>
/// <c>GET /api/plans/raised</c>: "what happened to what I raised". It lives in Plans, not beside the inbox in Messaging,
/// because Plans holds each priority's status and every action as they are now; the inbox holds only the messages sent
/// when an action was recorded. A resident sees only the priorities their own id raised (their token's subject), and
/// never who else raised them.
/// </summary>
public static class WhatIRaised
{
    /// <summary>The priorities <paramref name="residentId"/> raised, in any round: one query, used by the view and by erasure.</summary>
    public static async Task<IReadOnlyList<PriorityDocument>> PrioritiesRaisedByAsync(IQuerySession session, string residentId, CancellationToken ct) =>
        await session.Query<PriorityDocument>()
            .Where(d => d.State.Mentions.Any(m => m.RaiserIds.Contains(residentId)) || d.State.PastRounds.Any(r => r.RaiserIds.Contains(residentId)))
            .ToListAsync(ct);

    /// <summary>Each round of the priority the resident raised, as they are told it.</summary>
    public static IEnumerable<RaisedIssue> RoundsRaisedBy(Priority p, string residentId)
    {
        ArgumentNullException.ThrowIfNull(p);
        foreach (var r in p.PastRounds.Where(r => r.RaiserIds.Contains(residentId, StringComparer.Ordinal)))
        {
            yield return View(p, r.Round, r.Issue, r.RaisedAt, PriorityStatus.Closed, r.Referral, r.Actions, r.Closure, Where(r.Mentions ?? [], residentId));
        }

        if (p.RaiserIds.Contains(residentId, StringComparer.Ordinal))
        {
            yield return View(p, p.Round, p.Issue, p.RaisedAt, p.Status, p.Referral, p.Actions, p.Closure, Where(p.Mentions, residentId));
        }
    }

    private static RaisedIssue View(
        Priority p, int round, string issue, DateTimeOffset raisedAt, string status, PartnerReferral? referral, IReadOnlyList<PriorityAction> actions, Decision? closure,
        IReadOnlyList<RaisedWhere> where) =>
        new(p.Id, round, p.AreaCode, p.Category, issue, London.Show(raisedAt), status, referral?.Partner,
            actions.Select(a => new RaisedAction(a.On, a.Text, a.Outcome)).ToList(), closure is { } c ? London.Show(c.At) : null, where);

    /// <summary>The resident's own mentions, never anyone else's. A surgery's mention is referenced <c>surgery:{id}:{issue}</c>.</summary>
    private static IReadOnlyList<RaisedWhere> Where(IEnumerable<Mention> mentions, string residentId) =>
        mentions.Where(m => m.RaiserIds.Contains(residentId, StringComparer.Ordinal))
            .Select(m => new RaisedWhere(m.Source,
                m.Source == "surgery" && m.SourceRef.Split(':') is [_, var id, ..] && Guid.TryParse(id, out var surgery) ? surgery : null, London.Show(m.RaisedAt)))
            .ToList();

    public static async Task<Ok<IReadOnlyList<RaisedIssue>>> Handle(ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings, CancellationToken ct)
    {
        var residentId = user.SubjectId();
        var raised = await PrioritiesRaisedByAsync(session, residentId, ct);
        await using (var conn = await settings.DataSource.OpenConnectionAsync(ct))
        {
            await Audit.RecordAsync(conn, null, settings.Schema, user, new Audit.Entry("consult", "resident", residentId, "resident read what became of the issues they raised",
                new { priorities = raised.Count }), ct);
        }

        return TypedResults.Ok<IReadOnlyList<RaisedIssue>>(raised.SelectMany(d => RoundsRaisedBy(d.State, residentId)).OrderByDescending(r => r.RaisedAt).ToList());
    }
}
