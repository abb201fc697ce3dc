using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.EventStore;

/// <summary>
/// A PostgreSQL event store on Marten's model: versioned streams, one global order, documents written by
/// projections, an inbox for idempotent consumers, and crypto-shredded personal data.
/// </summary>
public sealed class EventStore : IAsyncDisposable
{
    private readonly List<IProjection> _inline = [];

    public EventStore(EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!EventStoreOptions.SchemaShape().IsMatch(options.Schema))
        {
            throw new ArgumentException($"Schema name '{options.Schema}' is not a plain lowercase identifier.", nameof(options));
        }

        Options = options;
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        var timeoutMs = (int)options.IdleInTransactionTimeout.TotalMilliseconds;
        builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} -c idle_in_transaction_session_timeout={timeoutMs}".Trim();
        // The store's statements repeat constantly; preparing them saves the server a parse and plan on every append
        // (measured: single appends from 49% to 80% of a raw INSERT; BENCHMARKS.md).
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        // Nothing the store does leaves session state behind on a pooled connection (its advisory locks are
        // transaction-scoped, except the runner's, which has its own unpooled connection below), so the reset Npgsql
        // would send on every reuse is pure cost: skipping it takes single appends from 77%/66% to about 86%/95% of a
        // raw INSERT (BENCHMARKS.md).
        var locks = new NpgsqlConnectionStringBuilder(builder.ConnectionStringBuilder.ConnectionString) { Pooling = false };
        LockDataSource = NpgsqlDataSource.Create(locks);
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        DataSource = builder.Build();
    }

    public EventStoreOptions Options { get; }
    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// Unpooled connections for session-level advisory locks: closing one ends its session, so the lock is released
    /// at once and never lingers on a pooled connection.
    /// </summary>
    public NpgsqlDataSource LockDataSource { get; }
    public string Schema => Options.Schema;
    public EventTypes Types => Options.Types;
    public Serializer Serializer { get; } = new();
    internal IReadOnlyList<IProjection> InlineProjections => _inline;

    /// <summary>An inline projection runs inside the appending transaction, so its documents are never behind.</summary>
    public EventStore AddInlineProjection(IProjection projection)
    {
        _inline.Add(projection);
        return this;
    }

    public Task MigrateAsync(CancellationToken ct = default) => SchemaMigrations.EnsureAsync(DataSource, Schema, Options.ComponentMigrations, ct);

    public DocumentSession OpenSession(EventMetadata? metadata = null) => new(this, metadata);

    /// <summary>Appends in its own transaction; a shortcut for a session with one stream.</summary>
    public async Task<long> AppendAsync(string streamId, string streamType, ExpectedVersion expected, IReadOnlyList<object> events, EventMetadata? metadata = null, CancellationToken ct = default)
    {
        await using var session = OpenSession(metadata);
        session.Append(streamId, streamType, expected, events);
        var versions = await session.SaveChangesAsync(ct);
        return versions[streamId];
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, CancellationToken ct = default)
    {
        await using var conn = await DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"select {EventReader.Columns} from {Schema}.events where stream_id = @id order by version", conn);
        cmd.Parameters.AddWithValue("id", streamId);
        return await EventReader.ReadEventsAsync(this, conn, null, cmd, ct);
    }

    /// <summary>Folds a stream into its state. Version 0 means the stream does not exist.</summary>
    public async Task<(T State, long Version)> AggregateStreamAsync<T>(string streamId, CancellationToken ct = default)
        where T : IAggregate<T>
    {
        var events = await ReadStreamAsync(streamId, ct);
        var state = T.Initial;
        foreach (var e in events)
        {
            state = state.Apply(e.Data);
        }

        return (state, events.Count == 0 ? 0 : events[^1].Version);
    }

    public async Task<T?> LoadAsync<T>(string id, CancellationToken ct = default) where T : class
    {
        await using var conn = await DataSource.OpenConnectionAsync(ct);
        return await Documents.LoadAsync<T>(this, conn, null, id, ct);
    }

    /// <summary>Documents of one type matching a SQL condition over <c>data</c> (jsonb), e.g. <c>data->>'areaCode' = @area</c>.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string where, IReadOnlyDictionary<string, object?>? parameters = null, string? orderBy = null, int limit = 1000, CancellationToken ct = default)
        where T : class
    {
        await using var conn = await DataSource.OpenConnectionAsync(ct);
        return await Documents.QueryAsync<T>(this, conn, where, parameters, orderBy, limit, ct);
    }

    /// <summary>
    /// Erases a data subject: deletes the subject's key. Their events still load, with personal fields null, and the
    /// rest of every stream's history stays intact.
    /// </summary>
    public async Task<bool> EraseSubjectAsync(string subjectId, CancellationToken ct = default)
    {
        await using var conn = await DataSource.OpenConnectionAsync(ct);
        return await SubjectKeys.EraseAsync(conn, Schema, subjectId, ct);
    }

    /// <summary>
    /// Runs a consumer's effect once per message: the inbox row and the effect commit together, and a message already
    /// seen is skipped. Returns false when it was a duplicate.
    /// </summary>
    public async Task<bool> HandleOnceAsync(Guid messageId, string consumer, Func<DocumentSession, Task> effect, EventMetadata? metadata = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(effect);
        if (await IsProcessedAsync(messageId, consumer, ct))
        {
            return false;
        }

        await using var session = OpenSession(metadata);
        session.MarkProcessed(messageId, consumer);
        await effect(session);
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (MessageAlreadyProcessedException)
        {
            return false;
        }
    }

    public async Task<bool> IsProcessedAsync(Guid messageId, string consumer, CancellationToken ct = default)
    {
        await using var conn = await DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"select exists (select 1 from {Schema}.inbox where message_id = @m and consumer = @c)", conn);
        cmd.Parameters.AddWithValue("m", messageId);
        cmd.Parameters.AddWithValue("c", consumer);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<Position> HeadAsync(CancellationToken ct = default)
    {
        await using var conn = await DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"select tx_id::text as tx_text, seq from {Schema}.events order by events.tx_id desc, events.seq desc limit 1", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Position(ulong.Parse(r.GetString(0), System.Globalization.CultureInfo.InvariantCulture), r.GetInt64(1)) : Position.Start;
    }

    public async ValueTask DisposeAsync()
    {
        await LockDataSource.DisposeAsync();
        await DataSource.DisposeAsync();
    }

}

/// <summary>State rebuilt from a stream: an immutable record with an initial value and a pure Apply.</summary>
public interface IAggregate<TSelf> where TSelf : IAggregate<TSelf>
{
    static abstract TSelf Initial { get; }
    TSelf Apply(object @event);
}

public sealed class MessageAlreadyProcessedException(Guid messageId, string consumer)
    : Exception($"Message {messageId} was already processed by {consumer}.");
