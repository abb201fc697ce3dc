namespace Engagement.Testing;

/// <summary>
/// A service for one benchmark run: on Kestrel in the benchmark's process, on a database and a RabbitMQ virtual host of
/// its own, with logging at Warning. Disposing it stops the service and drops both.
/// </summary>
public sealed class BenchService<TEntryPoint> : IAsyncDisposable where TEntryPoint : class
{
    private readonly string _database;
    private readonly string _vhost;

    private BenchService(string database, string vhost, string connectionString, ServiceHost<TEntryPoint> host) =>
        (_database, _vhost, ConnectionString, Host) = (database, vhost, connectionString, host);

    public ServiceHost<TEntryPoint> Host { get; }

    /// <summary>The run's own database, for the physical reference measured beside the service.</summary>
    public string ConnectionString { get; }

    public static async Task<BenchService<TEntryPoint>> StartAsync(string prefix)
    {
        var database = TestInfrastructure.UniqueName(prefix);
        var vhost = TestInfrastructure.UniqueName(prefix);
        var connectionString = await TestInfrastructure.CreateDatabaseAsync(database);
        await TestInfrastructure.CreateVirtualHostAsync(vhost);
        var host = new ServiceHost<TEntryPoint>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:EventStore"] = connectionString,
            ["RabbitMq:VirtualHost"] = vhost,
            ["Logging:LogLevel:Default"] = "Warning",
        }).Start();
        return new BenchService<TEntryPoint>(database, vhost, connectionString, host);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await TestInfrastructure.DeleteVirtualHostAsync(_vhost);
        await TestInfrastructure.DropDatabaseAsync(_database);
    }
}
