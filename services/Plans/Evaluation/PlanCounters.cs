using Engagement.Plans.Activities;
using Engagement.Plans.Priorities;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npgsql;

namespace Engagement.Plans.Evaluation;

/// <summary>An area's activities of a plan's period counted by one dimension (kind, channel, community, objective) and key.</summary>
public sealed record ActivityCounter(string Dimension, string Key, int Activities, long PeopleReached, int ThisQuarter, DateOnly LastOn);

/// <summary>One round of a priority as the evaluation needs it: when it was raised, first acted on and closed, and by whom.</summary>
public sealed record RoundCounter(
    Guid PriorityId, int Round, string Issue, string Status, DateTimeOffset RaisedAt, DateTimeOffset? FirstActionAt, DateTimeOffset? ClosedAt,
    IReadOnlyList<string> RaiserIds);

/// <summary>
/// What an evaluation reads instead of every activity and priority document: counters kept in step with the events by an
/// inline projection, so they commit in the writer's transaction (a read after the write sees it), whichever path wrote
/// the events (the API, a consumer, an import, an erasure). Activities are counted per area, day, dimension and key
/// rather than per plan, because a plan may be drafted after the activities of its period were logged, and its
/// boundaries and quarters fall on any day: a plan's figures are a sum over its days, a few hundred small rows in SQL.
/// Increments are upserts, so concurrent writers in one area queue on a row lock and never lose a count or retry.
/// Priorities keep one row per round and one per raiser, so "raisers told" stays a count of distinct residents.
/// </summary>
public sealed class PlanCountersProjection(string schema) : IProjection
{
    public const string Name = "plan-counters";

    public static readonly string[] Migrations =
    [
        """
        create table {schema}.activity_counters (
            area_code text not null, day date not null, dimension text not null, key text not null,
            activities int not null, people_reached bigint not null,
            primary key (area_code, day, dimension, key));
        create table {schema}.priority_rounds (
            priority_id uuid not null, round int not null, area_code text not null, issue text not null, status text not null,
            raised_at timestamptz not null, first_action_at timestamptz, closed_at timestamptz,
            primary key (priority_id, round));
        create index priority_rounds_area on {schema}.priority_rounds (area_code);
        create table {schema}.round_raisers (
            priority_id uuid not null, round int not null, resident_id text not null,
            primary key (priority_id, round, resident_id));
        """,
    ];

    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Projections.Add(new PlanCountersProjection(options.DatabaseSchemaName), JasperFx.Events.Projections.ProjectionLifecycle.Inline, Name);
    }

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            Apply(operations, e.Data);
        }

        return Task.CompletedTask;
    }

    // Marten's queued SQL binds its values by position (each '?' in order); every statement below keeps to a handful.
    private void Apply(IDocumentOperations ops, object data)
    {
        var current = $"(select max(round) from {schema}.priority_rounds where priority_id = ?)";
        switch (data)
        {
            case ActivityLogged a:
                string[] dimensions = ["kind", "channel", "community", .. a.ObjectiveId is null ? Array.Empty<string>() : ["objective"]];
                string[] keys = [a.Kind, a.Channel, a.TargetCommunity ?? NoCommunity, .. a.ObjectiveId is { } o ? [o.ToString()] : Array.Empty<string>()];
                ops.QueueSqlCommand(
                    $"""
                    insert into {schema}.activity_counters (area_code, day, dimension, key, activities, people_reached)
                    select ?, ?, x.d, x.k, 1, ? from unnest(?::text[], ?::text[]) as x(d, k)
                    on conflict (area_code, day, dimension, key) do update
                    set activities = activity_counters.activities + 1, people_reached = activity_counters.people_reached + excluded.people_reached
                    """, a.AreaCode, a.On, (long)(a.PeopleReached ?? 0), dimensions, keys);
                break;
            case PriorityRaised r:
                ops.QueueSqlCommand(
                    $"""
                    insert into {schema}.priority_rounds (priority_id, round, area_code, issue, status, raised_at)
                    values (?, ?, ?, ?, ?, ?) on conflict do nothing
                    """, r.PriorityId, r.Round, r.AreaCode, r.Mention.Summary, PriorityStatus.Candidate, r.Mention.RaisedAt.ToUniversalTime());
                AddRaisers(ops, r.PriorityId, r.Mention);
                break;
            case PriorityMentioned m:
                AddRaisers(ops, m.PriorityId, m.Mention);
                break;
            case PriorityAdopted a:
                ops.QueueSqlCommand($"update {schema}.priority_rounds set status = ? where priority_id = ? and round = {current}",
                    PriorityStatus.Adopted, a.PriorityId, a.PriorityId);
                break;
            case PriorityPassedToPartner p:
                ops.QueueSqlCommand($"update {schema}.priority_rounds set status = ? where priority_id = ? and round = {current}",
                    PriorityStatus.PassedToPartner, p.PriorityId, p.PriorityId);
                break;
            case PriorityActioned a:
                ops.QueueSqlCommand(
                    $"update {schema}.priority_rounds set first_action_at = least(first_action_at, ?) where priority_id = ? and round = {current}",
                    a.Action.At.ToUniversalTime(), a.PriorityId, a.PriorityId);
                break;
            case PriorityClosed c:
                ops.QueueSqlCommand($"update {schema}.priority_rounds set status = ?, closed_at = ? where priority_id = ? and round = {current}",
                    PriorityStatus.Closed, c.Decision.At.ToUniversalTime(), c.PriorityId, c.PriorityId);
                break;
            case RaiserForgotten f:
                ops.QueueSqlCommand($"delete from {schema}.round_raisers where priority_id = ? and resident_id = ?", f.PriorityId, f.ResidentId);
                break;
        }
    }

    private void AddRaisers(IDocumentOperations ops, Guid priorityId, Mention mention)
    {
        if (mention.RaiserIds.Count == 0)
        {
            return;
        }

        ops.QueueSqlCommand(
            $"""
            insert into {schema}.round_raisers (priority_id, round, resident_id)
            select ?, (select max(round) from {schema}.priority_rounds where priority_id = ?), unnest(?::text[]) on conflict do nothing
            """, priorityId, priorityId, mention.RaiserIds.ToArray());
    }

    public const string NoCommunity = "(none named)";

    /// <summary>The activity counters of one area from one day to another (inclusive), with the days of the current quarter counted apart.</summary>
    public static async Task<IReadOnlyList<ActivityCounter>> ActivityAsync(
        NpgsqlConnection conn, string schema, string area, DateOnly from, DateOnly to, Quarter quarter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quarter);
        await using var cmd = new NpgsqlCommand(
            $"""
            select dimension, key, sum(activities)::int, sum(people_reached)::bigint,
                   coalesce(sum(activities) filter (where day between @qfrom and @qto), 0)::int, max(day)
            from {schema}.activity_counters where area_code = @area and day between @from and @to
            group by dimension, key
            """, conn);
        cmd.Parameters.AddWithValue("area", area);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        cmd.Parameters.AddWithValue("qfrom", quarter.From);
        cmd.Parameters.AddWithValue("qto", quarter.To);
        var rows = new List<ActivityCounter>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new ActivityCounter(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt32(4),
                reader.GetFieldValue<DateOnly>(5)));
        }

        return rows;
    }

    /// <summary>Every round of every priority of the area, with its raisers.</summary>
    public static async Task<IReadOnlyList<RoundCounter>> RoundsAsync(NpgsqlConnection conn, string schema, string area, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            select r.priority_id, r.round, r.issue, r.status, r.raised_at, r.first_action_at, r.closed_at,
                   coalesce(array_agg(x.resident_id order by x.resident_id) filter (where x.resident_id is not null), array[]::text[])
            from {schema}.priority_rounds r left join {schema}.round_raisers x on x.priority_id = r.priority_id and x.round = r.round
            where r.area_code = @area
            group by r.priority_id, r.round
            order by r.raised_at, r.priority_id, r.round
            """, conn);
        cmd.Parameters.AddWithValue("area", area);
        var rows = new List<RoundCounter>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new RoundCounter(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<string[]>(7)));
        }

        return rows;
    }

    /// <summary>
    /// Rebuilds the counters from zero: empties them and replays the whole event log through the same projection, in
    /// commit order, in one transaction. What it leaves must equal what the live projection kept.
    /// </summary>
    public static async Task RebuildAsync(IDocumentStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var schema = store.Options.DatabaseSchemaName;
        using var scope = MartenAdditions.PersonalDataScope.Begin();
        await using var session = store.LightweightSession();
        session.QueueSqlCommand($"delete from {schema}.round_raisers");
        session.QueueSqlCommand($"delete from {schema}.priority_rounds");
        session.QueueSqlCommand($"delete from {schema}.activity_counters");
        var projection = new PlanCountersProjection(schema);
        long after = 0;
        while (true)
        {
            var page = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(500).ToListAsync(ct);
            if (page.Count == 0)
            {
                break;
            }

            await projection.ApplyAsync(session, page, ct);
            after = page[^1].Sequence;
        }

        await session.SaveChangesAsync(ct);
    }
}
