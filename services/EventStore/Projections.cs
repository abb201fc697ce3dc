using Npgsql;

namespace Engagement.EventStore;

/// <summary>
/// Turns events into documents. The same projection can run inline (inside the appending transaction) or async (fed
/// by the runner in global order, its documents and checkpoint committed together).
/// </summary>
public interface IProjection
{
    /// <summary>Names the projection's checkpoint; changing it rebuilds from zero.</summary>
    string Name { get; }

    /// <summary>Document types this projection owns; a rebuild deletes them first.</summary>
    IReadOnlyList<Type> DocumentTypes { get; }

    Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct);
}

/// <summary>What a projection may touch: documents (buffered, written at the end in bulk) and the open transaction.</summary>
public sealed class ProjectionContext
{
    private readonly EventStore _store;
    private readonly List<DocumentOp> _pending = [];
    private readonly Dictionary<(Type, string), object?> _seen = [];

    internal ProjectionContext(EventStore store, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _store = store;
        Connection = connection;
        Transaction = transaction;
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }
    public string Schema => _store.Schema;

    /// <summary>Loads a document, seeing this batch's own unflushed writes first.</summary>
    public async Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class
    {
        if (_seen.TryGetValue((typeof(T), id), out var doc))
        {
            return (T?)doc;
        }

        var loaded = await Documents.LoadAsync<T>(_store, Connection, Transaction, id, ct);
        _seen[(typeof(T), id)] = loaded;
        return loaded;
    }

    public void Store<T>(string id, T document) where T : class => Write(new DocumentOp(typeof(T), id, document));

    public void Delete<T>(string id) where T : class => Write(new DocumentOp(typeof(T), id, null));

    internal void Write(DocumentOp op)
    {
        _seen[(op.Type, op.Id)] = op.Document;
        _pending.Add(op);
    }

    internal async Task FlushAsync(CancellationToken ct, Dictionary<string, byte[]>? keys = null)
    {
        await Documents.WriteAsync(_store, Connection, Transaction, _pending, keys, ct);
        _pending.Clear();
    }
}
