using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using MassTransit;
using Npgsql;
using C = Engagement.Contracts;

namespace Engagement.Plans.Priorities;

/// <summary>
/// Where each resident lives, as Messaging last told Plans (<see cref="C.SubscriberAreasChanged"/>): what lets a resident
/// vote on their area's candidates when their token names no area (residents' tokens never do). One row per resident
/// with the subscription's version, so a message older than the row changes nothing whichever order the broker hands
/// them over. An erased resident's row goes with the erasure, and the tombstone keeps a late message from bringing it back.
/// </summary>
public static class ResidentAreas
{
    public static readonly string[] Migrations =
    [
        """
        create table {schema}.resident_areas (
            resident_id text primary key, area_codes text[] not null, version bigint not null, updated_at timestamptz not null);
        """,
    ];

    /// <summary>Applies the message unless the row holds a newer (or the same) version; true when it changed the row.</summary>
    public static async Task<bool> ApplyAsync(NpgsqlConnection conn, string schema, C.SubscriberAreasChanged m, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(m);
        await using var cmd = new NpgsqlCommand(
            $"""
            insert into {schema}.resident_areas (resident_id, area_codes, version, updated_at) values (@resident, @areas, @version, @at)
            on conflict (resident_id) do update set area_codes = excluded.area_codes, version = excluded.version, updated_at = excluded.updated_at
            where resident_areas.version < excluded.version
            """, conn);
        cmd.Parameters.AddWithValue("resident", m.ResidentId);
        cmd.Parameters.AddWithValue("areas", m.AreaCodes.Distinct(StringComparer.Ordinal).ToArray());
        cmd.Parameters.AddWithValue("version", m.Version);
        cmd.Parameters.AddWithValue("at", m.OccurredAt.ToUniversalTime());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The areas Plans knows the resident lives in; none when Messaging has told it nothing (or they were erased).</summary>
    public static async Task<IReadOnlyList<string>> KnownAsync(NpgsqlConnection conn, string schema, string residentId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select area_codes from {schema}.resident_areas where resident_id = @resident", conn);
        cmd.Parameters.AddWithValue("resident", residentId);
        return await cmd.ExecuteScalarAsync(ct) is string[] areas ? areas : [];
    }

    /// <summary>The areas a resident may vote in: those their token names (if any) and those Plans knows they live in.</summary>
    public static async Task<IReadOnlyList<string>> VotableAsync(NpgsqlConnection conn, string schema, ClaimsPrincipal user, CancellationToken ct) =>
        user.Areas().Union(await KnownAsync(conn, schema, user.SubjectId(), ct), StringComparer.Ordinal).ToList();

    /// <summary>
    /// 403 unless the resident may vote in the area. Never an area the request states: one their token names, or one
    /// Messaging says they live in; a resident Plans knows nothing of is told how it comes to know.
    /// </summary>
    public static async Task RequireVotableAsync(NpgsqlConnection conn, string schema, ClaimsPrincipal user, string area, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.CanActIn(area) || (await KnownAsync(conn, schema, user.SubjectId(), ct)).Contains(area, StringComparer.Ordinal))
        {
            return;
        }

        throw new DomainException(StatusCodes.Status403Forbidden, "outside-your-areas", "This is outside your areas.",
            "You can vote only on the priorities of the area you live in. We know it from the postcode in your alerts subscription: "
            + "subscribe, or add your postcode, and try again.");
    }

    /// <summary>In the erasure's transaction (the resident's lock held): Plans no longer knows where they live.</summary>
    public static async Task<int> ForgetAsync(NpgsqlConnection conn, string schema, string residentId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"delete from {schema}.resident_areas where resident_id = @resident", conn);
        cmd.Parameters.AddWithValue("resident", residentId);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>
/// A resident's subscription was set, changed or stopped in Messaging: their areas are kept for voting. Handled once per
/// message through the inbox; under the resident's lock, so an erasure either comes first (and this is dropped: the
/// tombstone) or forgets what this wrote.
/// </summary>
public sealed class SubscriberAreasChangedConsumer(IDocumentStore store, EventStoreSettings settings) : IConsumer<C.SubscriberAreasChanged>
{
    public const string Name = "plans-resident-areas";

    public async Task Consume(ConsumeContext<C.SubscriberAreasChanged> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        await store.HandleOnceAsync(context.MessageId ?? m.EventId, Name, async session =>
        {
            var conn = await session.ConnectionInTransactionAsync(context.CancellationToken);
            if ((await Raisers.PlanRaisers.NotErasedAsync(conn, settings.Schema, [m.ResidentId], context.CancellationToken)).Count == 0
                || !await ResidentAreas.ApplyAsync(conn, settings.Schema, m, context.CancellationToken))
            {
                return;
            }

            await Audit.RecordManyAsync(conn, null, settings.Schema,
                [new Audit.Row("system:messaging", null, new Audit.Entry("collect", "resident", m.ResidentId,
                    "the areas a resident lives in, from their subscription, so that they can vote on their area's priorities",
                    new { areas = m.AreaCodes.Count, version = m.Version }))],
                context.CancellationToken);
        }, context.CancellationToken);
    }
}

/// <summary>The queue is named for this service, so another service's consumer of the same events gets its own copy.</summary>
public sealed class SubscriberAreasChangedConsumerDefinition : ConsumerDefinition<SubscriberAreasChangedConsumer>
{
    public SubscriberAreasChangedConsumerDefinition() => EndpointName = SubscriberAreasChangedConsumer.Name;
}
