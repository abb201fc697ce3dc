using Npgsql;
using NpgsqlTypes;

namespace Engagement.EventStore;

/// <summary>
/// Per-subject encryption keys. Keys are read fresh on every use, never cached, so an erasure takes effect at once on
/// every instance.
/// </summary>
internal static class SubjectKeys
{
    public static async Task<Dictionary<string, byte[]>> GetOrCreateAsync(NpgsqlConnection conn, string schema, IReadOnlyCollection<string> subjects, CancellationToken ct)
    {
        if (subjects.Count == 0)
        {
            return [];
        }

        var ids = subjects.Distinct(StringComparer.Ordinal).ToArray();
        var keys = ids.Select(_ => PersonalDataCipher.NewKey()).ToArray();
        // A concurrent creator of the same subject's key blocks on the primary key, then does nothing; the select that
        // follows reads whichever key won, so both writers encrypt under the same key.
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"insert into {schema}.subject_keys (subject_id, key) select * from unnest(@ids, @keys) on conflict do nothing")
                {
                    Parameters =
                    {
                        new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids },
                        new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = keys },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        var found = await GetAsync(conn, null, schema, ids, ct);
        if (ids.FirstOrDefault(id => !found.ContainsKey(id)) is { } erased)
        {
            throw new SubjectErasedException(erased);
        }

        return found;
    }

    public static async Task<Dictionary<string, byte[]>> GetAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string schema, IReadOnlyCollection<string> subjects, CancellationToken ct)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (subjects.Count == 0)
        {
            return result;
        }

        await using var cmd = new NpgsqlCommand($"select subject_id, key from {schema}.subject_keys where subject_id = any(@ids) and key is not null", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = subjects.Distinct(StringComparer.Ordinal).ToArray() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = (byte[])reader[1];
        }

        return result;
    }

    public static async Task<bool> EraseAsync(NpgsqlConnection conn, string schema, string subject, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn) { BatchCommands = { EraseCommand(schema, subject) } };
        return await batch.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>Deletes the key and leaves a tombstone; affects no row when the subject was already erased.</summary>
    public static NpgsqlBatchCommand EraseCommand(string schema, string subject) =>
        new($"""
            insert into {schema}.subject_keys (subject_id, key, erased) values (@id, null, now())
            on conflict (subject_id) do update set key = null, erased = now() where {schema}.subject_keys.erased is null
            """)
        {
            Parameters = { new NpgsqlParameter("id", subject) },
        };
}
