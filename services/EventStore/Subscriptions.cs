using System.Globalization;
using Npgsql;

namespace Engagement.EventStore;

/// <summary>Something the runner feeds in global order from its own checkpoint: an async projection or the relay.</summary>
public interface ISubscription
{
    string Name { get; }

    /// <summary>Handles one batch and moves the checkpoint; see <see cref="Progression.AdvanceAsync"/>.</summary>
    Task HandleAsync(EventStore store, IReadOnlyList<StoredEvent> batch, Position from, CancellationToken ct);
}

/// <summary>The checkpoints table.</summary>
public static class Progression
{
    public static async Task<Position> GetAsync(EventStore store, NpgsqlConnection conn, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        // A plain read first: it never waits on a runner's open batch (an insert-on-conflict would wait on the locked row).
        for (var attempt = 0; ; attempt++)
        {
            await using (var read = new NpgsqlCommand($"select last_tx_id::text, last_seq from {store.Schema}.progression where name = @n", conn))
            {
                read.Parameters.AddWithValue("n", name);
                await using var r = await read.ExecuteReaderAsync(ct);
                if (await r.ReadAsync(ct))
                {
                    return new Position(ulong.Parse(r.GetString(0), CultureInfo.InvariantCulture), r.GetInt64(1));
                }
            }

            if (attempt > 0)
            {
                throw new InvalidOperationException($"Checkpoint '{name}' could not be created.");
            }

            await using var insert = new NpgsqlCommand($"insert into {store.Schema}.progression (name) values (@n) on conflict do nothing", conn);
            insert.Parameters.AddWithValue("n", name);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Moves a checkpoint from <paramref name="from"/> to <paramref name="to"/>, or throws when somebody else moved it
    /// first (a takeover or a rebuild), so a batch is never applied twice. Callers that write documents call this first in
    /// their transaction: it takes the row lock before any document lock, so a rebuild and a runner cannot deadlock.
    /// </summary>
    public static async Task AdvanceAsync(EventStore store, NpgsqlConnection conn, NpgsqlTransaction? tx, string name, Position from, Position to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var cmd = new NpgsqlCommand(
            $"""
            update {store.Schema}.progression set last_tx_id = @tx::text::xid8, last_seq = @seq, updated = now(), last_error = null
            where name = @n and last_tx_id = @ftx::text::xid8 and last_seq = @fseq
            """, conn, tx);
        cmd.Parameters.AddWithValue("n", name);
        cmd.Parameters.AddWithValue("tx", to.TxId.ToString(CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("seq", to.Seq);
        cmd.Parameters.AddWithValue("ftx", from.TxId.ToString(CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("fseq", from.Seq);
        if (await cmd.ExecuteNonQueryAsync(ct) != 1)
        {
            throw new InvalidOperationException($"Checkpoint '{name}' moved under us from {from}; the batch is abandoned.");
        }
    }

    internal static async Task RecordErrorAsync(EventStore store, string name, string error, CancellationToken ct)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"update {store.Schema}.progression set last_error = @e, updated = now() where name = @n", conn);
        cmd.Parameters.AddWithValue("n", name);
        cmd.Parameters.AddWithValue("e", error);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<IReadOnlyList<ProgressionRow>> ListAsync(EventStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            select p.name, p.last_tx_id::text, p.last_seq, p.updated, p.last_error,
                   (select count(*) from {store.Schema}.events e where (e.tx_id, e.seq) > (p.last_tx_id, p.last_seq))
            from {store.Schema}.progression p order by p.name
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<ProgressionRow>();
        while (await r.ReadAsync(ct))
        {
            rows.Add(new ProgressionRow(r.GetString(0), new Position(ulong.Parse(r.GetString(1), CultureInfo.InvariantCulture), r.GetInt64(2)).ToString(),
                new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(3), DateTimeKind.Utc)), r.IsDBNull(4) ? null : r.GetString(4), r.GetInt64(5)));
        }

        return rows;
    }
}

public sealed record ProgressionRow(string Name, string Position, DateTimeOffset Updated, string? LastError, long Behind);

/// <summary>Runs a projection asynchronously: each batch's documents and the checkpoint commit in one transaction.</summary>
public sealed class AsyncProjection(IProjection projection) : ISubscription
{
    public string Name => projection.Name;

    public async Task HandleAsync(EventStore store, IReadOnlyList<StoredEvent> batch, Position from, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(batch);
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Progression.AdvanceAsync(store, conn, tx, Name, from, batch[^1].Position, ct);
        var ctx = new ProjectionContext(store, conn, tx);
        await projection.ApplyAsync(ctx, batch, ct);
        await ctx.FlushAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Rebuilds from zero in one transaction: deletes the projection's documents, replays every event, and sets the
    /// checkpoint to where the replay stopped. The live runner's next batch then fails its checkpoint check and is dropped.
    /// </summary>
    public static async Task RebuildAsync(EventStore store, IProjection projection, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(projection);
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await Progression.GetAsync(store, conn, projection.Name, ct);
        await using var readConn = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockRow = new NpgsqlCommand($"select 1 from {store.Schema}.progression where name = @n for update", conn, tx))
        {
            lockRow.Parameters.AddWithValue("n", projection.Name);
            await lockRow.ExecuteNonQueryAsync(ct);
        }

        await using (var del = new NpgsqlCommand($"delete from {store.Schema}.documents where type = any(@t)", conn, tx))
        {
            del.Parameters.AddWithValue("t", projection.DocumentTypes.Select(Documents.TypeName).ToArray());
            await del.ExecuteNonQueryAsync(ct);
        }

        // Replay up to the head as it was when the rebuild began. An empty read does not mean the end: the reader stays
        // below the oldest transaction still running anywhere in the cluster, so it may have to wait for that one.
        var head = await store.HeadAsync(ct);
        var position = Position.Start;
        var deadline = DateTimeOffset.UtcNow + store.Options.IdleInTransactionTimeout;
        while (position < head)
        {
            var batch = await EventReader.ReadAfterAsync(store, readConn, position, store.Options.BatchSize, ct);
            if (batch.Count == 0)
            {
                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException($"The rebuild of '{projection.Name}' waited too long for older transactions to finish.");
                }

                await Task.Delay(50, ct);
                continue;
            }

            var ctx = new ProjectionContext(store, conn, tx);
            await projection.ApplyAsync(ctx, batch, ct);
            await ctx.FlushAsync(ct);
            position = batch[^1].Position;
        }

        await using (var set = new NpgsqlCommand(
            $"update {store.Schema}.progression set last_tx_id = @tx::text::xid8, last_seq = @seq, updated = now(), last_error = null where name = @n", conn, tx))
        {
            set.Parameters.AddWithValue("n", projection.Name);
            set.Parameters.AddWithValue("tx", position.TxId.ToString(CultureInfo.InvariantCulture));
            set.Parameters.AddWithValue("seq", position.Seq);
            await set.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }
}
