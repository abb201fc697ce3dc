using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.Plans.Planning;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Engagement.Plans.Priorities;

/// <param name="Mentions">How many times the issue was raised this round; with <paramref name="Votes"/>, the community's own ranking.</param>
/// <param name="Votes">Residents of the area who voted for it this round.</param>
/// <param name="Score">The threat, risk and harm score (0 to 100) with the weights in force; null until assessed.</param>
/// <param name="Stale">Open, raised more than <c>Plans:Ranking:StaleAfterMonths</c> ago, and nothing done yet.</param>
public sealed record PriorityView(
    Guid Id, string AreaCode, string Category, string Issue, DateTimeOffset RaisedAt, int Round, string Status, int Mentions, int? CommunityRank,
    double? Score, int? HarmRank, IReadOnlyDictionary<string, int>? Scores, bool Stale, IReadOnlyList<string> Sources, Decision? Adoption,
    PartnerReferral? Referral, IReadOnlyList<PriorityAction> Actions, Decision? Closure, long Version, int Votes = 0)
{
    public static PriorityView From(
        Priority p, long version, RankingOptions ranking, DateTimeOffset now, int? communityRank = null, int? harmRank = null, int votes = 0) => new(
        p.Id, p.AreaCode, p.Category, p.Issue, London.Show(p.RaisedAt), p.Round, p.Status, p.Mentions.Count, communityRank, ranking.Score(p.Scores), harmRank, p.Scores,
        IsStale(p, ranking, now), p.Mentions.Select(m => m.Source).Distinct().ToList(), p.Adoption, p.Referral, p.Actions, p.Closure, version, votes);

    public static bool IsStale(Priority p, RankingOptions ranking, DateTimeOffset now) =>
        p.Status is PriorityStatus.Candidate or PriorityStatus.Adopted && p.Actions.Count == 0 && p.RaisedAt.AddMonths(ranking.StaleAfterMonths) < now;
}

/// <summary>Reading priorities, and the command path every change to one goes through.</summary>
public static class PriorityCommands
{
    public static Task<CommandResult<PriorityDocument>> HandleAsync(
        IDocumentStore store, Guid id, long? ifMatch, ClaimsPrincipal user, Func<Priority, IReadOnlyList<object>> decide, CancellationToken ct) =>
        AreaCommands.HandleAsync<PriorityDocument>(store, "Priority", id, Priority.StreamId(id), ifMatch, user, d => d.State.Exists ? d.State.AreaCode : null,
            d => decide(d.State), ct);

    public static Ok<PriorityView> Answer(HttpContext http, CommandResult<PriorityDocument> result, RankingOptions ranking, TimeProvider clock)
    {
        http.Response.Headers.ETag = Requests.ETag(result.Version);
        return TypedResults.Ok(PriorityView.From(result.State.State, result.Version, ranking, clock.GetUtcNow()));
    }

    public static async Task<IReadOnlyList<PriorityDocument>> InAreaAsync(IQuerySession session, string area, CancellationToken ct) =>
        await session.Query<PriorityDocument>().Where(d => d.State.AreaCode == area).ToListAsync(ct);

    public static async Task<Ok<PriorityView>> Get(
        Guid id, HttpContext http, ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings, IOptions<RankingOptions> ranking, TimeProvider clock,
        CancellationToken ct)
    {
        var doc = await session.LoadAsync<PriorityDocument>(Priority.StreamId(id), ct);
        if (doc is not { State.Exists: true })
        {
            throw new NotFoundException("Priority", id.ToString());
        }

        user.RequireArea(doc.State.AreaCode);
        var votes = await VotesAsync(settings, [doc.State], ct);
        http.Response.Headers.ETag = Requests.ETag(doc.Version);
        return TypedResults.Ok(PriorityView.From(doc.State, doc.Version, ranking.Value, clock.GetUtcNow(), votes: votes.GetValueOrDefault(id)));
    }

    /// <summary>
    /// An area's priorities with both rankings side by side: the community's (most mentions and votes first) and the threat, risk
    /// and harm score's. Closed ones only with <c>?closed=true</c>.
    /// </summary>
    public static async Task<Ok<IReadOnlyList<PriorityView>>> List(
        string? area, bool? closed, ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings, IOptions<RankingOptions> ranking, TimeProvider clock,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(area))
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["area"] = ["Name the area whose priorities you want."] });
        }

        user.RequireArea(area);
        var now = clock.GetUtcNow();
        var open = (await InAreaAsync(session, area, ct)).Where(d => closed == true || d.State.Status != PriorityStatus.Closed).ToList();
        var votes = await VotesAsync(settings, open.Select(d => d.State), ct);
        var byMentions = open.OrderByDescending(d => d.State.Mentions.Count + votes.GetValueOrDefault(d.State.Id)).ThenBy(d => d.State.RaisedAt)
            .Select((d, i) => (d.Id, i + 1)).ToDictionary();
        var byScore = open.Where(d => ranking.Value.Score(d.State.Scores) is not null)
            .OrderByDescending(d => ranking.Value.Score(d.State.Scores)).Select((d, i) => (d.Id, i + 1)).ToDictionary();
        return TypedResults.Ok<IReadOnlyList<PriorityView>>(open
            .Select(d => PriorityView.From(d.State, d.Version, ranking.Value, now, byMentions[d.Id], byScore.TryGetValue(d.Id, out var r) ? r : null,
                votes.GetValueOrDefault(d.State.Id)))
            .OrderBy(v => v.CommunityRank).ToList());
    }

    private static async Task<IReadOnlyDictionary<Guid, int>> VotesAsync(EventStoreSettings settings, IEnumerable<Priority> priorities, CancellationToken ct)
    {
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        return await VoteForPriority.CountsAsync(conn, settings.Schema, priorities, ct);
    }

    public static DateOnly Today(TimeProvider clock) => PlanCommands.Today(clock);
}
