using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using MassTransit;
using Npgsql;
using C = Engagement.Contracts;

namespace Engagement.Plans.Evaluation;

/// <param name="Received">Replies Messaging received from the area within the plan's period.</param>
/// <param name="AnsweredInTime">Answered within 72 hours of arriving.</param>
/// <param name="AnsweredLate">Answered, but after 72 hours.</param>
/// <param name="OpenOverdue">Not answered, and past their 72 hours.</param>
/// <param name="OpenInTime">Not answered, and still within their 72 hours.</param>
/// <param name="ShareInTime">Of the replies whose clock has stopped or run out, the share answered in time (per cent); null when none has.</param>
public sealed record ReplyClockEvaluation(int Received, int AnsweredInTime, int AnsweredLate, int OpenOverdue, int OpenInTime, decimal? ShareInTime);

/// <summary>
/// The Neighbourhood Policing Guarantee's 72-hour reply clock, as Plans hears of it from Messaging: one row per reply
/// with its area, when it arrived and when it was answered. ReplyReceived starts it and ReplyAnswered stops it; either
/// may arrive first (they travel on different queues), and both carry the area and the time received, so whichever
/// comes first writes the row and the other completes it. Only times and areas: not who replied, nor what was written.
/// </summary>
public static class ReplyClock
{
    public static readonly TimeSpan ResponseTime = TimeSpan.FromHours(72);

    public static readonly string[] Migrations =
    [
        """
        create table {schema}.reply_clock (
            reply_id uuid primary key, area_code text not null, received_at timestamptz not null, answered_at timestamptz);
        create index reply_clock_area on {schema}.reply_clock (area_code, received_at);
        """,
    ];

    /// <summary>Starts (or, for an answer that came first, completes) the reply's row in the consumer's transaction.</summary>
    public static async Task RecordAsync(IDocumentSession session, string schema, Guid replyId, string area, DateTimeOffset receivedAt, DateTimeOffset? answeredAt,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var cmd = new NpgsqlCommand(
            $"""
            insert into {schema}.reply_clock (reply_id, area_code, received_at, answered_at) values (@reply, @area, @received, @answered)
            on conflict (reply_id) do update set answered_at = coalesce(excluded.answered_at, reply_clock.answered_at),
                received_at = case when excluded.answered_at is null then reply_clock.received_at else excluded.received_at end
            """, await session.ConnectionInTransactionAsync(ct));
        cmd.Parameters.AddWithValue("reply", replyId);
        cmd.Parameters.AddWithValue("area", area);
        cmd.Parameters.AddWithValue("received", receivedAt.ToUniversalTime());
        cmd.Parameters.Add(new NpgsqlParameter("answered", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)answeredAt?.ToUniversalTime() ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The area's replies received from one day to another (London days, inclusive), against the clock as it stands now.</summary>
    public static async Task<ReplyClockEvaluation> EvaluateAsync(
        NpgsqlConnection conn, string schema, string area, DateOnly from, DateOnly to, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            select count(*)::int,
                   count(*) filter (where answered_at <= received_at + @limit)::int,
                   count(*) filter (where answered_at > received_at + @limit)::int,
                   count(*) filter (where answered_at is null and received_at + @limit < @now)::int,
                   count(*) filter (where answered_at is null and received_at + @limit >= @now)::int
            from {schema}.reply_clock where area_code = @area and received_at >= @from and received_at < @to
            """, conn);
        cmd.Parameters.AddWithValue("area", area);
        cmd.Parameters.AddWithValue("from", London.At(from, TimeOnly.MinValue).ToUniversalTime());
        cmd.Parameters.AddWithValue("to", London.At(to.AddDays(1), TimeOnly.MinValue).ToUniversalTime());
        cmd.Parameters.AddWithValue("limit", ResponseTime);
        cmd.Parameters.AddWithValue("now", now.ToUniversalTime());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (received, inTime, late, overdue, open) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4));
        var decided = inTime + late + overdue;
        return new ReplyClockEvaluation(received, inTime, late, overdue, open, decided == 0 ? null : Math.Round(100m * inTime / decided, 1));
    }
}

/// <summary>
/// A reply arrived in Messaging (its clock starts: the event's time is when it arrived), or staff answered one (its clock
/// stops). One queue for both, <c>plans-reply-clock</c>, handled once per message through the inbox.
/// </summary>
public sealed class ReplyClockConsumer(IDocumentStore store, EventStoreSettings settings) : IConsumer<C.ReplyReceived>, IConsumer<C.ReplyAnswered>
{
    public const string Name = "plans-reply-clock";

    public Task Consume(ConsumeContext<C.ReplyReceived> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        return RecordOnceAsync(context, m.EventId, m.ReplyId, m.AreaCode, m.OccurredAt, null);
    }

    public Task Consume(ConsumeContext<C.ReplyAnswered> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        return RecordOnceAsync(context, m.EventId, m.ReplyId, m.AreaCode, m.ReceivedAt, m.AnsweredAt);
    }

    private Task RecordOnceAsync(ConsumeContext context, Guid eventId, Guid replyId, string area, DateTimeOffset receivedAt, DateTimeOffset? answeredAt) =>
        store.HandleOnceAsync(context.MessageId ?? eventId, Name,
            session => ReplyClock.RecordAsync(session, settings.Schema, replyId, area, receivedAt, answeredAt, context.CancellationToken), context.CancellationToken);
}

/// <summary>The queue is named for this service, so another service's consumer of the same events gets its own copy.</summary>
public sealed class ReplyClockConsumerDefinition : ConsumerDefinition<ReplyClockConsumer>
{
    public ReplyClockConsumerDefinition() => EndpointName = ReplyClockConsumer.Name;
}
