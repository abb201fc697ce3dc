using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.EventStore;

/// <summary>JSON documents (read models) keyed by type alias and id; personal fields are encrypted like events'.</summary>
internal static class Documents
{
    public static string TypeName(Type t) => t.Name;

    public static async Task<T?> LoadAsync<T>(EventStore store, NpgsqlConnection conn, NpgsqlTransaction? tx, string id, CancellationToken ct) where T : class
    {
        await using var cmd = new NpgsqlCommand($"select data, subject_id from {store.Schema}.documents where type = @t and id = @id", conn, tx);
        cmd.Parameters.AddWithValue("t", TypeName(typeof(T)));
        cmd.Parameters.AddWithValue("id", id);
        var rows = await ReadAsync<T>(store, conn, tx, cmd, ct);
        return rows.Count == 0 ? null : rows[0];
    }

    public static async Task<IReadOnlyList<T>> QueryAsync<T>(EventStore store, NpgsqlConnection conn, string where, IReadOnlyDictionary<string, object?>? parameters, string? orderBy, int limit, CancellationToken ct) where T : class
    {
        await using var cmd = new NpgsqlCommand(
            $"select data, subject_id from {store.Schema}.documents where type = @__t and ({where}) order by {orderBy ?? "id"} limit {limit}", conn);
        cmd.Parameters.AddWithValue("__t", TypeName(typeof(T)));
        foreach (var (k, v) in parameters ?? new Dictionary<string, object?>())
        {
            cmd.Parameters.AddWithValue(k, v ?? DBNull.Value);
        }

        return await ReadAsync<T>(store, conn, null, cmd, ct);
    }

    private static async Task<List<T>> ReadAsync<T>(EventStore store, NpgsqlConnection conn, NpgsqlTransaction? tx, NpgsqlCommand cmd, CancellationToken ct)
    {
        var raw = new List<(string Json, string? Subject)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                raw.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)));
            }
        }

        var keys = await SubjectKeys.GetAsync(conn, tx, store.Schema, raw.Select(x => x.Subject).OfType<string>().ToList(), ct);
        return raw.Select(x => (T)store.Serializer.Deserialize(typeof(T), JsonNode.Parse(x.Json)!.AsObject(), x.Subject,
            x.Subject is null ? null : keys.GetValueOrDefault(x.Subject))).ToList();
    }

    public static async Task WriteAsync(EventStore store, NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<DocumentOp> ops, Dictionary<string, byte[]>? keys, CancellationToken ct)
    {
        if (ops.Count == 0)
        {
            return;
        }

        // Last write per document wins within one flush, so the unnest below never touches a row twice.
        var last = ops.GroupBy(o => (o.Type, o.Id)).Select(g => g.Last()).ToList();
        var upserts = last.Where(o => o.Document is not null).ToList();
        var deletes = last.Where(o => o.Document is null).ToList();

        if (upserts.Count > 0)
        {
            var subjects = upserts.Select(o => store.Serializer.SubjectOf(o.Document!)).ToArray();
            var missing = subjects.OfType<string>().Where(s => keys is null || !keys.ContainsKey(s)).ToList();
            if (missing.Count > 0)
            {
                keys = new Dictionary<string, byte[]>(keys ?? [], StringComparer.Ordinal);
                foreach (var (k, v) in await SubjectKeys.GetOrCreateAsync(conn, store.Schema, missing, ct))
                {
                    keys[k] = v;
                }
            }

            var data = upserts.Select((o, i) => store.Serializer.Serialize(o.Document!, subjects[i] is { } s ? keys![s] : null)).ToArray();
            await using var cmd = new NpgsqlCommand(
                $"""
                insert into {store.Schema}.documents (type, id, data, subject_id)
                select * from unnest(@types, @ids, @data, @subjects)
                on conflict (type, id) do update set data = excluded.data, subject_id = excluded.subject_id,
                    version = {store.Schema}.documents.version + 1, updated = now()
                """, conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = upserts.Select(o => TypeName(o.Type)).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = upserts.Select(o => o.Id).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = data });
            cmd.Parameters.Add(new NpgsqlParameter("subjects", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = subjects });
            await cmd.ExecuteNonQueryAsync(ct);
        }

        if (deletes.Count > 0)
        {
            await using var cmd = new NpgsqlCommand(
                $"delete from {store.Schema}.documents d using unnest(@types, @ids) as x(type, id) where d.type = x.type and d.id = x.id", conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = deletes.Select(o => TypeName(o.Type)).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = deletes.Select(o => o.Id).ToArray() });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
