using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Priorities;

/// <param name="Mentions">Times it was raised this round.</param>
/// <param name="Votes">Residents who voted for it this round.</param>
/// <param name="YouVoted">Whether the asking resident voted for it this round.</param>
public sealed record LocalPriority(
    Guid Id, string AreaCode, string Category, string Issue, DateTimeOffset RaisedAt, int Mentions, int Votes, bool YouVoted);

/// <param name="Areas">The areas the resident may vote in; none until Messaging has told Plans their subscription's postcode.</param>
/// <param name="Priorities">Their candidate priorities, most mentions and votes first.</param>
public sealed record PrioritiesNearMeView(IReadOnlyList<string> Areas, IReadOnlyList<LocalPriority> Priorities);

/// <summary>
/// <c>GET /api/plans/priorities/near-me</c>: what a resident can vote on, the candidate priorities of the areas they
/// live in (<see cref="ResidentAreas"/>). Nothing about who raised or voted for them, except whether this resident voted.
/// Reading where the resident lives is a consultation of their data, so it is audited.
/// </summary>
public static class PrioritiesNearMe
{
    public static async Task<Ok<PrioritiesNearMeView>> Handle(ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings, CancellationToken ct)
    {
        var resident = user.SubjectId();
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        var areas = await ResidentAreas.VotableAsync(conn, settings.Schema, user, ct);
        await Audit.RecordAsync(conn, null, settings.Schema, user, new Audit.Entry("consult", "resident", resident,
            "resident read the candidate priorities of the areas they live in", new { areas = areas.Count }), ct);
        if (areas.Count == 0)
        {
            return TypedResults.Ok(new PrioritiesNearMeView([], []));
        }

        var candidates = (await session.Query<PriorityDocument>()
                .Where(d => d.State.AreaCode.IsOneOf(areas.ToArray()) && d.State.Status == PriorityStatus.Candidate).ToListAsync(ct))
            .Select(d => d.State).ToList();
        var tally = await VoteForPriority.TallyAsync(conn, settings.Schema, candidates, resident, ct);
        return TypedResults.Ok(new PrioritiesNearMeView(areas, candidates
            .Select(p => new LocalPriority(p.Id, p.AreaCode, p.Category, p.Issue, London.Show(p.RaisedAt), p.Mentions.Count, tally.GetValueOrDefault(p.Id).Votes, tally.GetValueOrDefault(p.Id).ByVoter))
            .OrderByDescending(p => p.Mentions + p.Votes).ThenBy(p => p.RaisedAt).ToList()));
    }
}
