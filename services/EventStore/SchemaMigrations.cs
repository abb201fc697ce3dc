using Npgsql;

namespace Engagement.EventStore;

/// <summary>
/// Creates and migrates the store's tables in its own schema. Migrations are numbered and applied once, in order,
/// under an advisory lock so that two instances starting together do not race each other.
/// </summary>
internal static class SchemaMigrations
{
    private static string[] Migrations(string s) =>
    [
        // 1: streams, events, progression, inbox, documents and subject keys.
        $"""
        create table {s}.streams (
            id text primary key,
            type text not null,
            version bigint not null,
            archived boolean not null default false,
            created timestamptz not null default now(),
            updated timestamptz not null default now());

        -- tx_id is the writing transaction's id. Readers order by (tx_id, seq) and read only below the oldest
        -- transaction still running, because seq values are taken at insert and commit out of order (see EventReader).
        create table {s}.events (
            seq bigserial primary key,
            id uuid not null unique,
            stream_id text not null,
            version bigint not null,
            type text not null,
            data jsonb not null,
            metadata jsonb not null default jsonb_build_object(),
            timestamp timestamptz not null default now(),
            tx_id xid8 not null default pg_current_xact_id(),
            unique (stream_id, version));
        create index events_global_order on {s}.events (tx_id, seq);

        create table {s}.progression (
            name text primary key,
            last_tx_id xid8 not null default '0',
            last_seq bigint not null default 0,
            updated timestamptz not null default now(),
            last_error text);

        create table {s}.inbox (
            message_id uuid not null,
            consumer text not null,
            processed_at timestamptz not null default now(),
            primary key (message_id, consumer));

        create table {s}.documents (
            type text not null,
            id text not null,
            data jsonb not null,
            subject_id text,
            version bigint not null default 1,
            updated timestamptz not null default now(),
            primary key (type, id));

        -- Per-subject keys for personal fields. Deleting a row is the erasure: ciphertext without its key is noise.
        create table {s}.subject_keys (
            subject_id text primary key,
            key bytea not null,
            created timestamptz not null default now());
        """,
        // 2: erasure leaves a tombstone (no key, when erased), so a subject once erased can never get a new key under
        // the same id: new personal data under it is refused instead of silently sealing under a fresh key.
        $"""
        alter table {s}.subject_keys alter column key drop not null;
        alter table {s}.subject_keys add column erased timestamptz;
        """,
    ];

    public static int Latest => Migrations("x").Length;

    public static async Task EnsureAsync(NpgsqlDataSource dataSource, string schema, IReadOnlyList<(string Component, string[] Steps)> components, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('engage-schema:' || @s))", conn, tx))
        {
            lockCmd.Parameters.AddWithValue("s", schema);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await using (var create = new NpgsqlCommand(
            $"""
            create schema if not exists {schema};
            create table if not exists {schema}.schema_version (
                id int primary key default 1 check (id = 1),
                version int not null,
                applied timestamptz not null default now());
            """, conn, tx))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        int current;
        await using (var read = new NpgsqlCommand($"select coalesce(max(version), 0) from {schema}.schema_version", conn, tx))
        {
            current = Convert.ToInt32(await read.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        var migrations = Migrations(schema);
        if (current > migrations.Length)
        {
            throw new InvalidOperationException($"Schema '{schema}' is at version {current}, newer than this build knows ({migrations.Length}).");
        }

        for (var i = current; i < migrations.Length; i++)
        {
            await using var m = new NpgsqlCommand(migrations[i], conn, tx);
            await m.ExecuteNonQueryAsync(ct);
        }

        if (current < migrations.Length)
        {
            await using var set = new NpgsqlCommand(
                $"insert into {schema}.schema_version (id, version) values (1, @v) on conflict (id) do update set version = excluded.version, applied = now()",
                conn, tx);
            set.Parameters.AddWithValue("v", migrations.Length);
            await set.ExecuteNonQueryAsync(ct);
        }

        await using (var table = new NpgsqlCommand(
            $"create table if not exists {schema}.component_versions (component text primary key, version int not null, applied timestamptz not null default now())", conn, tx))
        {
            await table.ExecuteNonQueryAsync(ct);
        }

        foreach (var (component, steps) in components)
        {
            await ApplyComponentAsync(conn, tx, schema, component, steps, ct);
        }

        await tx.CommitAsync(ct);
    }

    private static async Task ApplyComponentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, string component, string[] steps, CancellationToken ct)
    {
        int current;
        await using (var read = new NpgsqlCommand($"select coalesce(max(version), 0) from {schema}.component_versions where component = @c", conn, tx))
        {
            read.Parameters.AddWithValue("c", component);
            current = Convert.ToInt32(await read.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        for (var i = current; i < steps.Length; i++)
        {
            await using var m = new NpgsqlCommand(steps[i].Replace("{schema}", schema, StringComparison.Ordinal), conn, tx);
            await m.ExecuteNonQueryAsync(ct);
        }

        if (current < steps.Length)
        {
            await using var set = new NpgsqlCommand(
                $"insert into {schema}.component_versions (component, version) values (@c, @v) on conflict (component) do update set version = excluded.version, applied = now()",
                conn, tx);
            set.Parameters.AddWithValue("c", component);
            set.Parameters.AddWithValue("v", steps.Length);
            await set.ExecuteNonQueryAsync(ct);
        }
    }
}
