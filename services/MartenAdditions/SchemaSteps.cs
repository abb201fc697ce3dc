using Marten;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Engagement.MartenAdditions;

/// <summary>
/// Applies the schema once, at start-up, in code: Marten's own objects for this configuration, then the service's
/// plain tables (numbered steps per component, applied once each, in order). Both run under one advisory lock per
/// schema, so instances starting together never migrate against each other; Marten itself never migrates at run time
/// (AutoCreate.None), because Marten 9 would otherwise migrate per process whenever two configurations differ.
/// </summary>
public sealed class SchemaSteps
{
    private readonly List<(string Component, string[] Steps)> _components = [];

    public IReadOnlyList<(string Component, string[] Steps)> Components => _components;

    /// <summary>Numbered steps for a component's own tables; <c>{schema}</c> in a step is the service's schema.</summary>
    public SchemaSteps Add(string component, string[] steps)
    {
        _components.Add((component, steps));
        return this;
    }

    public static async Task ApplyAsync(IDocumentStore store, NpgsqlDataSource dataSource, string schema, SchemaSteps steps, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(steps);
        await using var lockConn = await dataSource.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand("select pg_advisory_lock(hashtext('engage-schema:' || @s))", lockConn))
        {
            take.Parameters.AddWithValue("s", schema);
            await take.ExecuteNonQueryAsync(ct);
        }

        try
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await using var tx = await lockConn.BeginTransactionAsync(ct);
            await using (var table = new NpgsqlCommand(
                $"create table if not exists {schema}.component_versions (component text primary key, version int not null, applied timestamptz not null default now())", lockConn, tx))
            {
                await table.ExecuteNonQueryAsync(ct);
            }

            foreach (var (component, list) in steps.Components)
            {
                await ApplyComponentAsync(lockConn, tx, schema, component, list, ct);
            }

            await tx.CommitAsync(ct);
        }
        finally
        {
            await using var release = new NpgsqlCommand("select pg_advisory_unlock(hashtext('engage-schema:' || @s))", lockConn);
            release.Parameters.AddWithValue("s", schema);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
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

/// <summary>Runs <see cref="SchemaSteps.ApplyAsync"/> before anything else that needs the database starts.</summary>
internal sealed class SchemaApplier(IDocumentStore store, EventStoreSettings settings) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        SchemaSteps.ApplyAsync(store, settings.DataSource, settings.Schema, settings.Steps, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
