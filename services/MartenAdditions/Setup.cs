using System.Text.Json.Serialization;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Weasel.Core;

namespace Engagement.MartenAdditions;

/// <summary>The service's store: its schema, its data source for plain tables, and its own schema steps.</summary>
public sealed class EventStoreSettings(string schema, NpgsqlDataSource dataSource, SchemaSteps steps)
{
    public string Schema { get; } = schema;

    /// <summary>The same database Marten uses, for the service's plain tables (bulk rows, constraints Marten cannot express).</summary>
    public NpgsqlDataSource DataSource { get; } = dataSource;
    public SchemaSteps Steps { get; } = steps;
}

public static class Setup
{
    /// <summary>
    /// Marten as every service uses it: its own schema, string stream keys, snake_case event aliases, camelCase JSON
    /// (so SQL over documents reads <c>areaCode</c>), personal data sealed in the serializer, the inbox and subject keys
    /// as documents, the HotCold daemon (one active instance), and the schema applied once at start-up.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddEngagementMarten(
        this IServiceCollection services, string schema, Func<IServiceProvider, string> connectionString,
        Action<StoreOptions, IServiceProvider>? configure = null, Action<SchemaSteps, IServiceProvider>? steps = null,
        DaemonMode daemon = DaemonMode.HotCold)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp =>
        {
            var schemaSteps = new SchemaSteps();
            steps?.Invoke(schemaSteps, sp);
            return new EventStoreSettings(schema, CreateDataSource(connectionString(sp)), schemaSteps);
        });
        services.AddSingleton<SubjectKeyReader>();
        // Registered before Marten's own hosted services, so the schema exists before the daemon starts.
        services.AddHostedService<SchemaApplier>();
        return services.AddMarten(sp =>
            {
                var settings = sp.GetRequiredService<EventStoreSettings>();
                var keys = sp.GetRequiredService<SubjectKeyReader>();
                keys.Bind(settings.DataSource, schema);
                var options = new StoreOptions();
                options.Connection(settings.DataSource);
                RefusedParameters.Install(options, settings.DataSource);
                Configure(options, schema, keys);
                configure?.Invoke(options, sp);
                return options;
            })
            .UseLightweightSessions()
            .AddAsyncDaemon(daemon);
    }

    /// <summary>The data source of every service's store (Marten's and the service's plain tables), tuned for Marten.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Marten's statements repeat constantly; preparing them saves the server a parse and plan each time.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        // No session reset on return to the pool. Otherwise Npgsql prepends to the first command after every pooled open
        // (one per SaveChanges) "SET SESSION AUTHORIZATION DEFAULT; RESET ALL; CLOSE ALL; UNLISTEN *; SELECT
        // pg_advisory_unlock_all(); DISCARD SEQUENCES; DISCARD TEMP". Nothing on this data source leaves session state
        // behind (checked 2026-11-29 in Marten 9.29's source and the 9.58 binaries, Weasel's AdvisoryLock, Npgsql):
        // - the HotCold leadership lock is Weasel's AdvisoryLock (DistributedLock.Postgres) on this data source,
        //   session-scoped in 9.58 (UseAdvisoryLockTransaction is false). Its connection stays open while it leads and
        //   is closed only after an explicit pg_advisory_unlock; a connection lost while leading is broken and never
        //   pooled. Its timeouts are SET LOCAL. (A transaction-scoped lock would end with the rollback Npgsql sends
        //   for any connection closed mid-transaction, reset or not.)
        // - SchemaSteps releases its session lock in a finally; LINQ Include temp tables are dropped before reuse.
        // - Marten's LISTEN wake-up (UseListenNotifyForEventAppends) and RLS set_config are off; no service SQL here
        //   uses SET, LISTEN, cursors, temp tables or session advisory locks. Keep it so.
        // - BulkInsert with a mode other than InsertsOnly creates a session temp table that is never dropped: a second
        //   one on the same connection would collide, so do not use those modes on this data source.
        // Measured (BENCHMARKS.md, "Marten"): single appends with 8 writers gain about 10 points of a raw INSERT.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        return builder.Build();
    }

    /// <summary>The conventions, on their own so tests and benchmarks can build a store the same way.</summary>
    public static void Configure(StoreOptions options, string schema, SubjectKeyReader keys)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DatabaseSchemaName = schema;
        options.Events.DatabaseSchemaName = schema;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.AutoCreateSchemaObjects = AutoCreate.None;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, json =>
        {
            json.Converters.Add(new PersonalDataConverterFactory(keys));
            json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.UserNameEnabled = true;
        options.Schema.For<SubjectKey>().DocumentAlias("subject_key");
        options.Schema.For<InboxEntry>().DocumentAlias("inbox");
        options.Listeners.Add(new PersonalDataListener());
        options.DisableNpgsqlLogging = true;
        // A page the relay or a projection fails on is retried, never dead-lettered and passed: skipping it would lose
        // a publication or a read-model change for good. The shard pauses and resumes from its last checkpoint.
        options.Projections.Errors.SkipApplyErrors = false;
        options.Projections.Errors.SkipSerializationErrors = false;
        options.Projections.Errors.SkipUnknownEvents = false;
    }
}
