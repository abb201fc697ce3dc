using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.Plans.Raisers;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Engagement.Plans.Priorities;

/// <param name="Votes">Residents who voted for the priority this round.</param>
/// <param name="Mentions">Times it was raised this round: the community's ranking is by the two together.</param>
public sealed record VoteCast(Guid PriorityId, int Round, int Votes, int Mentions, bool Counted);

/// <summary>
/// <c>POST /api/plans/priorities/{id}/votes</c>: a resident votes for a candidate priority of an area they live in (as
/// Messaging told Plans, <see cref="ResidentAreas"/>) or their token names, once per round of the priority. A vote is a row keyed by (priority, round, resident): the primary key is what keeps it
/// to one, so parallel requests from one resident count once and a repeat answers 200 with nothing added. Votes are not
/// events: they are many, carry no decision, and an erasure must be able to unname them. An erased resident's votes
/// stay counted under a random token that names nobody; an erased resident (the tombstone) cannot vote.
/// </summary>
public static class VoteForPriority
{
    public static readonly string[] Migrations =
    [
        """
        create table {schema}.priority_votes (
            priority_id uuid not null, round int not null, resident_id text not null, voted_at timestamptz not null,
            primary key (priority_id, round, resident_id));
        """,
    ];

    public static async Task<Results<Created<VoteCast>, Ok<VoteCast>>> Handle(
        Guid id, ClaimsPrincipal user, IQuerySession query, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var resident = user.SubjectId();
        var p = (await query.LoadAsync<PriorityDocument>(Priority.StreamId(id), ct))?.State;
        if (p is not { Exists: true })
        {
            throw new NotFoundException("Priority", id.ToString());
        }

        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Under the resident's lock, so an erasure either comes first (and this is refused) or unnames this vote after it.
        if ((await Raisers.PlanRaisers.NotErasedAsync(conn, settings.Schema, [resident], ct)).Count == 0)
        {
            throw new SubjectErasedException(resident);
        }

        await ResidentAreas.RequireVotableAsync(conn, settings.Schema, user, p.AreaCode, ct);

        if (p.Status != PriorityStatus.Candidate)
        {
            throw new ConflictException("priority-not-a-candidate", "Votes are for candidate priorities.", $"This priority is {p.Status}.");
        }

        int added, votes;
        await using (var cmd = new NpgsqlCommand(
            $"""
            with added as (
                insert into {settings.Schema}.priority_votes (priority_id, round, resident_id, voted_at) values (@p, @r, @resident, @at)
                on conflict do nothing returning 1)
            select (select count(*) from added)::int, (select count(*) from {settings.Schema}.priority_votes where priority_id = @p and round = @r)::int
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("p", id);
            cmd.Parameters.AddWithValue("r", p.Round);
            cmd.Parameters.AddWithValue("resident", resident);
            cmd.Parameters.AddWithValue("at", clock.GetUtcNow().ToUniversalTime());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            // The statement's snapshot does not see its own insert.
            (added, votes) = (reader.GetInt32(0), reader.GetInt32(1) + reader.GetInt32(0));
        }

        if (added == 1)
        {
            await Audit.RecordAsync(conn, tx, settings.Schema, user, new Audit.Entry("collect", "resident", resident,
                "resident voted for a candidate priority of their area", new { priority = id, round = p.Round }), ct);
        }

        await tx.CommitAsync(ct);
        var cast = new VoteCast(id, p.Round, votes, p.Mentions.Count, added == 1);
        return added == 1 ? TypedResults.Created($"/api/plans/priorities/{id}", cast) : TypedResults.Ok(cast);
    }

    /// <summary>Each priority's votes in its current round.</summary>
    public static async Task<IReadOnlyDictionary<Guid, int>> CountsAsync(NpgsqlConnection conn, string schema, IEnumerable<Priority> priorities, CancellationToken ct) =>
        (await TallyAsync(conn, schema, priorities, null, ct)).ToDictionary(x => x.Key, x => x.Value.Votes);

    /// <summary>Each priority's votes in its current round, and whether <paramref name="voter"/> is among them.</summary>
    public static async Task<IReadOnlyDictionary<Guid, (int Votes, bool ByVoter)>> TallyAsync(
        NpgsqlConnection conn, string schema, IEnumerable<Priority> priorities, string? voter, CancellationToken ct)
    {
        var list = priorities.ToList();
        await using var cmd = new NpgsqlCommand(
            $"""
            select v.priority_id, count(*)::int, coalesce(bool_or(v.resident_id = @voter), false)
            from {schema}.priority_votes v join unnest(@ids, @rounds) as p(id, round) on v.priority_id = p.id and v.round = p.round
            group by v.priority_id
            """, conn);
        cmd.Parameters.AddWithValue("ids", list.Select(p => p.Id).ToArray());
        cmd.Parameters.AddWithValue("rounds", list.Select(p => p.Round).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("voter", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)voter ?? DBNull.Value });
        var tally = new Dictionary<Guid, (int, bool)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tally[reader.GetGuid(0)] = (reader.GetInt32(1), reader.GetBoolean(2));
        }

        return tally;
    }

    /// <summary>An erased resident's votes stay counted, but under a random token in place of their id; returns how many.</summary>
    public static async Task<int> UnnameAsync(NpgsqlConnection conn, string schema, string residentId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"update {schema}.priority_votes set resident_id = 'erased:' || gen_random_uuid() where resident_id = @resident", conn);
        cmd.Parameters.AddWithValue("resident", residentId);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
