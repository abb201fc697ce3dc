using System.Text.RegularExpressions;
using Marten;

namespace Engagement.Plans.Priorities;

/// <summary>A candidate issue from any source, before it is counted into its area's priority for that category.</summary>
public sealed record Candidate(string AreaCode, string Category, Mention Mention);

/// <summary>
/// How a candidate issue becomes a priority: the first mention of a category in an area (or the first after that
/// priority was closed) raises it; later ones are mentions, which the community ranking counts. A source already counted
/// counts nothing, so a redelivered message or a re-imported file changes nothing.
/// </summary>
public static partial class RaisePriority
{
    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();

    /// <summary>Categories are compared as slugs: "ASB", "asb" and "A.S.B." are one issue, "Road safety" is <c>road-safety</c>.</summary>
    public static string Category(string text) => NotSlug().Replace(text.Trim().ToLowerInvariant(), "-").Trim('-');

    public static IReadOnlyList<object> Decide(Priority state, Candidate candidate)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(candidate);
        if (state.Exists && state.Mentions.Any(m => m.SourceRef == candidate.Mention.SourceRef))
        {
            return [];
        }

        var id = Priority.IdFor(candidate.AreaCode, candidate.Category);
        return !state.Exists || state.Status == PriorityStatus.Closed
            ? [new PriorityRaised(id, candidate.AreaCode, candidate.Category, state.Round + 1, candidate.Mention)]
            : [new PriorityMentioned(id, candidate.Mention)];
    }

    /// <summary>Appends every candidate to its priority's stream in the caller's session, which commits them together or not at all.</summary>
    public static async Task<(int Raised, int Mentioned)> AppendAsync(IDocumentSession session, IEnumerable<Candidate> candidates, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var (raised, mentioned) = (0, 0);
        foreach (var group in candidates.GroupBy(c => Priority.IdFor(c.AreaCode, c.Category)))
        {
            var stream = await session.Events.FetchForWriting<PriorityDocument>(Priority.StreamId(group.Key), ct);
            var state = (stream.Aggregate ?? PriorityDocument.Initial).State;
            foreach (var candidate in group)
            {
                foreach (var e in Decide(state, candidate))
                {
                    state = state.Evolve(e);
                    stream.AppendOne(e);
                    raised += e is PriorityRaised ? 1 : 0;
                    mentioned += e is PriorityMentioned ? 1 : 0;
                }
            }
        }

        return (raised, mentioned);
    }
}
