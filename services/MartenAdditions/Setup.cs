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
