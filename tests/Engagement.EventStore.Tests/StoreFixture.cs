using Engagement.Testing;
using Npgsql;

namespace Engagement.EventStore.Tests;

/// <summary>A database of its own for each test class, and stores on it that name their connections.</summary>
public sealed class StoreFixture : IAsyncLifetime
{
    private readonly List<EventStore> _stores = [];
    private string _database = "";

    public string Database => _database;

    public async Task InitializeAsync()
    {
        _database = TestInfrastructure.UniqueName("es");
        await TestInfrastructure.CreateDatabaseAsync(_database);
    }

    /// <summary>
    /// A store on this class's database. The application name identifies its connections in pg_stat_activity, which
    /// is how the tests see that a writer is really blocked on a lock, or terminate a "crashed" runner's sessions.
    /// </summary>
    public async Task<EventStore> StoreAsync(string schema, string applicationName = "engage-tests", Action<EventStoreOptions>? configure = null)
    {
        var options = new EventStoreOptions
        {
            ConnectionString = TestInfrastructure.ConnectionString(_database, applicationName: applicationName),
            Schema = schema,
            PollInterval = TimeSpan.FromMilliseconds(20),
            StandbyInterval = TimeSpan.FromMilliseconds(200),
        };
        options.Types.Register<ThingHappened>("thing_happened").Register<ThingRenamed>("thing_renamed").Register<PersonRegistered>("person_registered");
        configure?.Invoke(options);
        var store = new EventStore(options);
        await store.MigrateAsync();
        _stores.Add(store);
        return store;
    }

    public Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) =>
        TestInfrastructure.ScalarAsync<T>(TestInfrastructure.ConnectionString(_database), sql, parameters);

    /// <summary>Waits until a session of <paramref name="applicationName"/> is waiting on a lock held by another.</summary>
    public Task WaitUntilBlockedAsync(string applicationName) =>
        TestInfrastructure.EventuallyAsync(
            () => ScalarAsync<long>("select count(*) from pg_stat_activity where application_name = @a and wait_event_type = 'Lock'", ("a", applicationName)),
            n => n > 0, TimeSpan.FromSeconds(15), $"{applicationName} to block on a lock");

    public async Task DisposeAsync()
    {
        foreach (var s in _stores)
        {
            await s.DisposeAsync();
        }

        await TestInfrastructure.DropDatabaseAsync(_database);
    }
}
