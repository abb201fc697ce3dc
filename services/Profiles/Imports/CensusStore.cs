using System.Text.Json;
using Engagement.MartenAdditions;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.Profiles.Imports;

/// <summary>The plain tables census figures live in, and every SQL statement over them.</summary>
public static class CensusStore
{
    public const string Component = "census";

    public static readonly string[] Migrations =
    [
        """
        create table {schema}.census_datasets (
            id uuid primary key,
            checksum text not null unique,
            table_code text not null,
            title text not null,
            release text not null,
            geography_level text not null,
            licence text not null,
            layout text not null,
            universe text not null,
            categories jsonb not null,
            rows int not null,
            figures int not null,
            written int not null default 0,
            status text not null,
            report jsonb,
            failure text,
            accepted_by text not null,
            accepted_at timestamptz not null,
            imported_at timestamptz);
        create index census_datasets_current on {schema}.census_datasets (table_code, geography_level, imported_at desc) where status = 'imported';
        create table {schema}.census_figures (
            dataset_id uuid not null references {schema}.census_datasets (id) on delete cascade,
            geography_code text not null,
            category smallint not null,
            value bigint not null,
            primary key (dataset_id, geography_code, category));
        """,
        // How many of the file's codes are wards or districts the areas use: a dataset becomes current only when it
        // covers them all, so a partial or made-up file never hides the full one from profiles.
        """
        alter table {schema}.census_datasets add column known_codes int not null default 0;
        update {schema}.census_datasets set known_codes = (report->>'rows')::int - (report->'unknownCodes'->>'count')::int where report is not null;
        """,
        // Why the analyst imported the file; and the accepted file itself until its figures are written, so an import
        // in flight survives a restart (any instance picks it up) instead of being lost with the process's memory.
        """
        alter table {schema}.census_datasets add column reason text not null default '';
        create table {schema}.census_uploads (
            dataset_id uuid primary key references {schema}.census_datasets (id) on delete cascade,
            table_hint text,
            body bytea not null);
        """,
    ];

    public const string Licence = "Open Government Licence v3.0";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Dataset(
        Guid Id, string Checksum, string Table, string Title, string Release, string GeographyLevel, string Licence, string Layout,
        string Universe, IReadOnlyList<Category> Categories, int Rows, int Figures, int Written, string Status, JsonElement? Report,
        string? Failure, string AcceptedBy, DateTimeOffset AcceptedAt, DateTimeOffset? ImportedAt, string Reason);

    private const string Columns =
        "id, checksum, table_code, title, release, geography_level, licence, layout, universe, categories, rows, figures, written, status, report, failure, accepted_by, accepted_at, imported_at, reason";

    private static Dataset Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8),
        JsonSerializer.Deserialize<List<Category>>(r.GetString(9), Json)!, r.GetInt32(10), r.GetInt32(11), r.GetInt32(12), r.GetString(13),
        r.IsDBNull(14) ? null : JsonSerializer.Deserialize<JsonElement>(r.GetString(14)), r.IsDBNull(15) ? null : r.GetString(15), r.GetString(16),
        r.GetFieldValue<DateTimeOffset>(17), r.IsDBNull(18) ? null : r.GetFieldValue<DateTimeOffset>(18), r.GetString(19));

    public static async Task<Dataset?> FindAsync(EventStoreSettings settings, Guid? id, string? checksum, CancellationToken ct)
    {
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"select {Columns} from {settings.Schema}.census_datasets where id = @id or checksum = @checksum", conn);
        cmd.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = (object?)id ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("checksum", NpgsqlDbType.Text) { Value = (object?)checksum ?? DBNull.Value });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>
    /// The latest imported dataset of each table at each geography level that covers every ward (or every district)
    /// the areas use: <paramref name="wards"/> and <paramref name="districts"/> are how many there are.
    /// </summary>
    public static async Task<IReadOnlyList<Dataset>> CurrentAsync(EventStoreSettings settings, int wards, int districts, CancellationToken ct) =>
        await CurrentAsync(settings, wards, districts, Columns, Read, ct);

    /// <summary>Only the ids of <see cref="CurrentAsync(EventStoreSettings, int, int, CancellationToken)"/>: what a read needs to find its cached datasets.</summary>
    public static async Task<IReadOnlyList<Guid>> CurrentIdsAsync(EventStoreSettings settings, int wards, int districts, CancellationToken ct) =>
        await CurrentAsync(settings, wards, districts, "id", r => r.GetGuid(0), ct);

    private static async Task<IReadOnlyList<T>> CurrentAsync<T>(EventStoreSettings settings, int wards, int districts, string columns, Func<NpgsqlDataReader, T> read,
        CancellationToken ct)
    {
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            select distinct on (table_code, geography_level) {columns} from {settings.Schema}.census_datasets
            where status = 'imported'
              and known_codes >= case geography_level when 'ward' then @wards when 'local-authority' then @districts else 2147483647 end
            order by table_code, geography_level, imported_at desc, id desc
            """, conn);
        cmd.Parameters.AddWithValue("wards", wards);
        cmd.Parameters.AddWithValue("districts", districts);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await r.ReadAsync(ct))
        {
            list.Add(read(r));
        }

        return list;
    }

    /// <summary>
    /// Claims the checksum for a new dataset and keeps the file with it, in one transaction, for the worker to write. A
    /// failed attempt at the same file is cleared first, so the file can be imported again; an imported one, or one
    /// still waiting to be written, is left alone.
    /// </summary>
    public static async Task<bool> AcceptAsync(EventStoreSettings settings, Dataset d, ReadOnlyMemory<byte> body, string? tableHint, CancellationToken ct)
    {
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var clear = new NpgsqlCommand($"delete from {settings.Schema}.census_datasets where checksum = @checksum and status = 'failed'", conn, tx))
        {
            clear.Parameters.AddWithValue("checksum", d.Checksum);
            await clear.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = new NpgsqlCommand(
            $"""
            insert into {settings.Schema}.census_datasets (id, checksum, table_code, title, release, geography_level, licence, layout, universe, categories, rows, figures, status, accepted_by, accepted_at, reason)
            values (@id, @checksum, @table, @title, @release, @level, @licence, @layout, @universe, @categories, @rows, @figures, 'importing', @by, @at, @reason)
            on conflict (checksum) do nothing
            """, conn, tx);
        cmd.Parameters.AddWithValue("id", d.Id);
        cmd.Parameters.AddWithValue("checksum", d.Checksum);
        cmd.Parameters.AddWithValue("table", d.Table);
        cmd.Parameters.AddWithValue("title", d.Title);
        cmd.Parameters.AddWithValue("release", d.Release);
        cmd.Parameters.AddWithValue("level", d.GeographyLevel);
        cmd.Parameters.AddWithValue("licence", d.Licence);
        cmd.Parameters.AddWithValue("layout", d.Layout);
        cmd.Parameters.AddWithValue("universe", d.Universe);
        cmd.Parameters.Add(new NpgsqlParameter("categories", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(d.Categories, Json) });
        cmd.Parameters.AddWithValue("rows", d.Rows);
        cmd.Parameters.AddWithValue("figures", d.Figures);
        cmd.Parameters.AddWithValue("by", d.AcceptedBy);
        cmd.Parameters.AddWithValue("at", d.AcceptedAt);
        cmd.Parameters.AddWithValue("reason", d.Reason);
        if (await cmd.ExecuteNonQueryAsync(ct) != 1)
        {
            return false;
        }

        await using (var upload = new NpgsqlCommand($"insert into {settings.Schema}.census_uploads (dataset_id, table_hint, body) values (@id, @hint, @body)", conn, tx))
        {
            upload.Parameters.AddWithValue("id", d.Id);
            upload.Parameters.Add(new NpgsqlParameter("hint", NpgsqlDbType.Text) { Value = (object?)tableHint ?? DBNull.Value });
            upload.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("body", NpgsqlDbType.Bytea) { TypedValue = body });
            await upload.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// The oldest accepted file no other worker holds, locked (<c>for update skip locked</c>) on a connection of its own
    /// until <see cref="ClaimedUpload.DoneAsync"/> or <see cref="ClaimedUpload.FailAsync"/>. If this process dies, the
    /// lock goes with its connection and another worker (here or in another instance) takes the file up again.
    /// </summary>
    public static async Task<ClaimedUpload?> ClaimAsync(EventStoreSettings settings, CancellationToken ct)
    {
        var conn = await settings.DataSource.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(ct);
            await using var cmd = new NpgsqlCommand(
                $"""
                select {Columns}, u.table_hint, u.body from {settings.Schema}.census_uploads u join {settings.Schema}.census_datasets d on d.id = u.dataset_id
                order by d.accepted_at, d.id limit 1 for update of u skip locked
                """, conn, tx);
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                if (await r.ReadAsync(ct))
                {
                    return new ClaimedUpload(settings.Schema, conn, tx, Read(r), r.IsDBNull(20) ? null : r.GetString(20), r.GetFieldValue<byte[]>(21));
                }
            }

            await tx.DisposeAsync();
            await conn.DisposeAsync();
            return null;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>An accepted file held by one worker; disposing it without an outcome leaves it for the next claim.</summary>
    public sealed class ClaimedUpload(string schema, NpgsqlConnection conn, NpgsqlTransaction tx, Dataset dataset, string? tableHint, byte[] body) : IAsyncDisposable
    {
        public Dataset Dataset { get; } = dataset;

        public string? TableHint { get; } = tableHint;

        public byte[] Body { get; } = body;

        /// <summary>The figures are written (or were, before a restart): the file is no longer needed.</summary>
        public async Task DoneAsync(CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand($"delete from {schema}.census_uploads where dataset_id = @id", conn, tx);
            cmd.Parameters.AddWithValue("id", Dataset.Id);
            await cmd.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }

        /// <summary>The file cannot be written: the dataset says why, and the same file may be imported again.</summary>
        public async Task FailAsync(string failure, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand(
                $"""
                update {schema}.census_datasets set status = 'failed', failure = @failure where id = @id and status = 'importing';
                delete from {schema}.census_uploads where dataset_id = @id;
                """, conn, tx);
            cmd.Parameters.AddWithValue("id", Dataset.Id);
            cmd.Parameters.AddWithValue("failure", failure);
            await cmd.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }

        public async ValueTask DisposeAsync()
        {
            await tx.DisposeAsync();
            await conn.DisposeAsync();
        }
    }

    /// <summary>Binary COPY of every figure, on the caller's connection and transaction; <paramref name="progress"/> hears every 1,000 rows.</summary>
    public static async Task CopyFiguresAsync(NpgsqlConnection conn, string schema, Guid datasetId, CensusTable table, Func<int, Task> progress, CancellationToken ct)
    {
        await using (var writer = await conn.BeginBinaryImportAsync(
            $"copy {schema}.census_figures (dataset_id, geography_code, category, value) from stdin (format binary)", ct))
        {
            // The server checks every row's key to its dataset when the COPY completes: for a file of hundreds of
            // thousands of figures on a busy server that outlasts the 30-second command timeout, and a failed import
            // would be the wrong answer to a slow one.
            writer.Timeout = TimeSpan.FromMinutes(15);
            var done = 0;
            foreach (var row in table.Rows)
            {
                for (short c = 0; c < row.Values.Length; c++)
                {
                    await writer.StartRowAsync(ct);
                    await writer.WriteAsync(datasetId, NpgsqlDbType.Uuid, ct);
                    await writer.WriteAsync(row.Code, NpgsqlDbType.Text, ct);
                    await writer.WriteAsync(c, NpgsqlDbType.Smallint, ct);
                    await writer.WriteAsync(row.Values[c], NpgsqlDbType.Bigint, ct);
                }

                if (++done % 1000 == 0)
                {
                    await progress(done);
                }
            }

            await writer.CompleteAsync(ct);
        }
    }

    /// <summary>Progress on its own connection, so a reader sees it while the figures' transaction is still open.</summary>
    public static async Task SetWrittenAsync(EventStoreSettings settings, Guid id, int written, CancellationToken ct)
    {
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"update {settings.Schema}.census_datasets set written = @written where id = @id", conn);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("written", written);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task FinishAsync(NpgsqlConnection conn, string schema, Guid id, int rows, int knownCodes, object report, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"update {schema}.census_datasets set status = 'imported', written = @rows, known_codes = @known, report = @report, imported_at = @at where id = @id", conn);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("known", knownCodes);
        cmd.Parameters.AddWithValue("rows", rows);
        cmd.Parameters.Add(new NpgsqlParameter("report", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(report, Json) });
        cmd.Parameters.AddWithValue("at", at);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Each geography's values in one dataset, for the codes asked about.</summary>
    public static async Task<Dictionary<string, long[]>> FiguresAsync(EventStoreSettings settings, Guid datasetId, int categories, IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"select geography_code, category, value from {settings.Schema}.census_figures where dataset_id = @id and geography_code = any(@codes)", conn);
        cmd.Parameters.AddWithValue("id", datasetId);
        cmd.Parameters.Add(new NpgsqlParameter("codes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = codes.ToArray() });
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var code = r.GetString(0);
            if (!result.TryGetValue(code, out var values))
            {
                result[code] = values = new long[categories];
            }

            values[r.GetInt16(1)] = r.GetInt64(2);
        }

        return result;
    }
}
