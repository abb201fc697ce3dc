using Engagement.MartenAdditions;
using Engagement.Plans.Priorities;
using Marten;
using Npgsql;

namespace Engagement.Plans.Raisers;

/// <summary>
/// Plans' use of the erased residents' tombstone (<see cref="MartenAdditions.ErasedResidents"/>): a SurgeryHeld (or a
/// reply passed on as an issue) still in flight when the erasure arrived cannot make them a raiser again, and an erased
/// resident cannot vote.
/// </summary>
public static class PlanRaisers
{
    /// <summary>Locks the residents for the connection's transaction and returns those not erased, in their order.</summary>
    public static async Task<IReadOnlyList<string>> NotErasedAsync(NpgsqlConnection conn, string schema, IReadOnlyList<string> residentIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(residentIds);
        var erased = await MartenAdditions.ErasedResidents.LockAndFindAsync(conn, schema, residentIds, ct);
        return erased.Count == 0 ? residentIds : residentIds.Where(r => !erased.Contains(r)).ToList();
    }

    /// <summary>The candidates with every erased raiser left out (the residents locked for the session's transaction).</summary>
    public static async Task<IReadOnlyList<Candidate>> WithoutErasedAsync(IDocumentSession session, string schema, IReadOnlyList<Candidate> candidates, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(candidates);
        var all = candidates.SelectMany(c => c.Mention.RaiserIds).Distinct(StringComparer.Ordinal).ToList();
        if (all.Count == 0)
        {
            return candidates;
        }

        var living = (await NotErasedAsync(await session.ConnectionInTransactionAsync(ct), schema, all, ct)).ToHashSet(StringComparer.Ordinal);
        return living.Count == all.Count
            ? candidates
            : candidates.Select(c => c with { Mention = c.Mention with { RaiserIds = c.Mention.RaiserIds.Where(living.Contains).ToList() } }).ToList();
    }
}
