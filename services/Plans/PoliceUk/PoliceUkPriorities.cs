using System.Text.Json.Serialization;
using Engagement.Plans.Priorities;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Engagement.Plans.PoliceUk;

/// <summary>One neighbourhood priority exactly as police.uk's API gives it (<c>/api/{force}/{neighbourhood}/priorities</c>).</summary>
public sealed record PoliceUkPriority(
    [property: JsonPropertyName("issue")] string Issue,
    [property: JsonPropertyName("issue-date")] string IssueDate,
    [property: JsonPropertyName("action")] string? Action,
    [property: JsonPropertyName("action-date")] string? ActionDate);

/// <summary>
/// <c>GET /api/plans/police-uk/nottinghamshire/{area}/priorities</c>, anonymous and read-only: the area's adopted priorities,
/// and those closed within the last review period, newest first, in police.uk's shape. Existing police.uk clients read it,
/// so the keys, the HTML and the date form are theirs: London local time with no offset and no fractions.
/// </summary>
public static class PoliceUkPriorities
{
    public static PoliceUkPriority From(Priority p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var last = p.Actions.Count == 0 ? null : p.Actions.MaxBy(a => (a.On, a.At));
        return new PoliceUkPriority(PoliceUkFormat.Html(p.Issue), PoliceUkFormat.Date(p.RaisedAt), last is null ? null : PoliceUkFormat.Html(last.Text),
            last is null ? null : PoliceUkFormat.Date(last.On));
    }

    public static async Task<Ok<IReadOnlyList<PoliceUkPriority>>> Handle(
        string area, AreaDirectory areas, IQuerySession session, IOptions<RankingOptions> ranking, TimeProvider clock, CancellationToken ct)
    {
        if (!areas.Exists(area))
        {
            throw new NotFoundException("Neighbourhood", area);
        }

        var since = clock.GetUtcNow().AddMonths(-ranking.Value.StaleAfterMonths);
        var shown = (await PriorityCommands.InAreaAsync(session, area, ct))
            .Select(d => d.State)
            .Where(p => p.Status == PriorityStatus.Adopted || (p.Status == PriorityStatus.Closed && p.Adoption is not null && p.Closure!.At >= since))
            .OrderByDescending(p => p.RaisedAt)
            .Select(From)
            .ToList();
        return TypedResults.Ok<IReadOnlyList<PoliceUkPriority>>(shown);
    }
}
