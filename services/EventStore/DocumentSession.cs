using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.EventStore;

/// <summary>
/// A unit of work: stream appends, document writes, inbox marks and SQL of the caller's own, committed together in one
/// READ COMMITTED transaction, with the inline projections of the appended events.
/// </summary>
public sealed class DocumentSession : IAsyncDisposable
{
    private readonly EventStore _store;
    private readonly EventMetadata _metadata;
    private readonly List<PendingStream> _streams = [];
    private readonly List<DocumentOp> _documents = [];
    private readonly List<(Guid MessageId, string Consumer)> _inbox = [];
    private readonly List<Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>> _sql = [];
    private readonly List<string> _erasures = [];
    private bool _saved;

    internal DocumentSession(EventStore store, EventMetadata? metadata)
    {
        _store = store;
        _metadata = metadata ?? new EventMetadata();
        if (_metadata.TraceParent is null && Activity.Current is { } activity)
        {
            _metadata = _metadata with { TraceParent = activity.Id };
        }
    }

    public void Append(string streamId, string streamType, ExpectedVersion expected, IReadOnlyList<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }

        if (_streams.Any(s => s.StreamId == streamId))
        {
            throw new InvalidOperationException($"Stream '{streamId}' is already appended to in this session.");
        }

        _streams.Add(new PendingStream(streamId, streamType, expected, events));
    }

    public void StartStream(string streamId, string streamType, IReadOnlyList<object> events) =>
        Append(streamId, streamType, ExpectedVersion.NoStream, events);

    public void Store<T>(string id, T document) where T : class => _documents.Add(new DocumentOp(typeof(T), id, document));

    public void Delete<T>(string id) where T : class => _documents.Add(new DocumentOp(typeof(T), id, null));

    /// <summary>Records that <paramref name="consumer"/> has handled a message; a second save of the same pair fails.</summary>
    public void MarkProcessed(Guid messageId, string consumer) => _inbox.Add((messageId, consumer));

    /// <summary>Erases a data subject (deletes their key, leaving a tombstone) in this session's transaction.</summary>
    public void EraseSubject(string subjectId) => _erasures.Add(subjectId);

    /// <summary>SQL of the caller's own (bulk rows, read models) that must commit with the events.</summary>
    public void Execute(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> sql) => _sql.Add(sql);

    /// <returns>The new version of each stream appended to.</returns>
    public async Task<IReadOnlyDictionary<string, long>> SaveChangesAsync(CancellationToken ct = default)
    {
        if (_saved)
        {
            throw new InvalidOperationException("A session saves once.");
        }

        _saved = true;
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var conn = await _store.DataSource.OpenConnectionAsync(ct);

        var subjects = _streams.SelectMany(s => s.Events).Select(_store.Serializer.SubjectOf)
            .Concat(_documents.Where(d => d.Document is not null).Select(d => _store.Serializer.SubjectOf(d.Document!)))
            .OfType<string>().ToList();
        var keys = await SubjectKeys.GetOrCreateAsync(conn, _store.Schema, subjects, ct);

        var appended = new List<StoredEvent>();
        var commands = new List<NpgsqlBatchCommand>();
        foreach (var s in _streams)
        {
            commands.Add(AppendCommand(s, keys, appended));
        }

        commands.AddRange(_erasures.Select(subject => SubjectKeys.EraseCommand(_store.Schema, subject)));

        foreach (var (messageId, consumer) in _inbox)
        {
            commands.Add(new NpgsqlBatchCommand($"insert into {_store.Schema}.inbox (message_id, consumer) values (@m, @c) on conflict do nothing")
            {
                Parameters = { new("m", messageId), new("c", consumer) },
            });
        }

        var needsTransaction = commands.Count > 1 || _documents.Count > 0 || _sql.Count > 0
                               || (_streams.Count > 0 && _store.InlineProjections.Count > 0);
        await using var tx = needsTransaction ? await conn.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct) : null;

        if (commands.Count > 0)
        {
            await using var batch = new NpgsqlBatch(conn, tx);
            foreach (var c in commands)
            {
                batch.BatchCommands.Add(c);
            }

            try
            {
                await using var reader = await batch.ExecuteReaderAsync(ct);
                for (var i = 0; i < _streams.Count; i++)
                {
                    var s = _streams[i];
                    long? newVersion = null;
                    while (await reader.ReadAsync(ct))
                    {
                        newVersion = reader.GetInt64(0);
                    }

                    await reader.NextResultAsync(ct);
                    if (newVersion is null)
                    {
                        await reader.DisposeAsync();
                        throw await ConcurrencyAsync(conn, tx, s, ct);
                    }

                    versions[s.StreamId] = newVersion.Value;
                }

                for (var i = 0; i < _inbox.Count; i++)
                {
                    if (batch.BatchCommands[_streams.Count + _erasures.Count + i].RecordsAffected == 0)
                    {
                        throw new MessageAlreadyProcessedException(_inbox[i].MessageId, _inbox[i].Consumer);
                    }
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.TableName is "streams" or "events")
            {
                var s = _streams.FirstOrDefault(x => e.Detail?.Contains(x.StreamId, StringComparison.Ordinal) == true) ?? _streams[0];
                throw await ConcurrencyAsync(conn, tx, s, ct);
            }
        }

        if (tx is not null)
        {
            var resolved = appended.Select(e => e with { Version = versions[e.StreamId] - CountFor(e.StreamId) + e.Version }).ToList();
            if (resolved.Count > 0)
            {
                foreach (var projection in _store.InlineProjections)
                {
                    var ctx = new ProjectionContext(_store, conn, tx);
                    await projection.ApplyAsync(ctx, resolved, ct);
                    await ctx.FlushAsync(ct);
                }
            }

            if (_documents.Count > 0)
            {
                var ctx = new ProjectionContext(_store, conn, tx);
                foreach (var d in _documents)
                {
                    ctx.Write(d);
                }

                await ctx.FlushAsync(ct, keys);
            }

            foreach (var sql in _sql)
            {
                await sql(conn, tx, ct);
            }

            await tx.CommitAsync(ct);
        }

        return versions;
    }

    private long CountFor(string streamId) => _streams.First(s => s.StreamId == streamId).Events.Count;

    // One statement per stream: the stream row and the events go in together, so without a transaction it is still atomic
    // and costs one round trip. Versions are computed from the stream row's new version, so "any version" appends need no read.
    private NpgsqlBatchCommand AppendCommand(PendingStream s, Dictionary<string, byte[]> keys, List<StoredEvent> appended)
    {
        var n = s.Events.Count;
        var ids = new Guid[n];
        var types = new string[n];
        var data = new string[n];
        var meta = new string[n];
        for (var i = 0; i < n; i++)
        {
            var e = s.Events[i];
            ids[i] = Guid.CreateVersion7();
            types[i] = _store.Types.AliasFor(e.GetType());
            var subject = _store.Serializer.SubjectOf(e);
            data[i] = _store.Serializer.Serialize(e, subject is null ? null : keys[subject]);
            meta[i] = JsonSerializer.Serialize(new StoredMetadata(_metadata.CorrelationId, _metadata.CausationId, _metadata.UserId, _metadata.TraceParent, subject), _store.Serializer.Options);
            appended.Add(new StoredEvent(ids[i], s.StreamId, i + 1, Position.Start, types[i], e, _metadata, DateTimeOffset.UtcNow));
        }

        var schema = _store.Schema;
        var stream = s.Expected.Value switch
        {
            0 => $"insert into {schema}.streams (id, type, version) values (@id, @type, @n) returning version",
            null => $"insert into {schema}.streams (id, type, version) values (@id, @type, @n) on conflict (id) do update set version = {schema}.streams.version + @n, updated = now() returning version",
            _ => $"update {schema}.streams set version = version + @n, updated = now() where id = @id and version = @expected and not archived returning version",
        };

        var cmd = new NpgsqlBatchCommand(
            $"""
            with s as ({stream}),
            ins as (
                insert into {schema}.events (id, stream_id, version, type, data, metadata)
                select e.id, @id, s.version - @n + e.ord, e.type, e.data, e.meta
                from s, unnest(@ids, @types, @data, @meta) with ordinality as e(id, type, data, meta, ord))
            select version from s
            """);
        cmd.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = s.StreamId });
        cmd.Parameters.Add(new NpgsqlParameter("type", NpgsqlDbType.Text) { Value = s.StreamType });
        cmd.Parameters.Add(new NpgsqlParameter("n", NpgsqlDbType.Bigint) { Value = (long)n });
        cmd.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Bigint) { Value = s.Expected.Value ?? 0 });
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
        cmd.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = types });
        cmd.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = data });
        cmd.Parameters.Add(new NpgsqlParameter("meta", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = meta });
        return cmd;
    }

    private async Task<ConcurrencyException> ConcurrencyAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, PendingStream s, CancellationToken ct)
    {
        if (tx is not null)
        {
            await tx.RollbackAsync(ct);
        }

        await using var cmd = new NpgsqlCommand($"select version from {_store.Schema}.streams where id = @id", conn);
        cmd.Parameters.AddWithValue("id", s.StreamId);
        var actual = await cmd.ExecuteScalarAsync(ct) as long?;
        return new ConcurrencyException(s.StreamId, s.Expected.Value ?? 0, actual, s.Expected.Source);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed record PendingStream(string StreamId, string StreamType, ExpectedVersion Expected, IReadOnlyList<object> Events);
}

internal sealed record DocumentOp(Type Type, string Id, object? Document);

/// <summary>What the store keeps in an event's metadata column; the subject names the key of its personal fields.</summary>
internal sealed record StoredMetadata(string? CorrelationId, string? CausationId, string? UserId, string? TraceParent, string? Subject);
