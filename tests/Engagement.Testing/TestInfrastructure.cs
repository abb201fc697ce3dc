using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;

namespace Engagement.Testing;

/// <summary>
/// The real PostgreSQL and RabbitMQ that `./engage test` starts (infra/infra.sh). Each test class gets its own
/// database and its own RabbitMQ virtual host, so classes run in parallel without seeing each other's data or queues.
/// </summary>
public static class TestInfrastructure
{
    public static string PostgresHost => Environment.GetEnvironmentVariable("ENGAGE_TEST_PG_HOST") ?? "127.0.0.1";
    public static int PostgresPort => int.Parse(Environment.GetEnvironmentVariable("ENGAGE_TEST_PG_PORT") ?? "5432", System.Globalization.CultureInfo.InvariantCulture);
    public static string RabbitHost => Environment.GetEnvironmentVariable("ENGAGE_TEST_RABBIT_HOST") ?? "127.0.0.1";
    public const string User = "engage";
    public const string Password = "engage";

    public static string ConnectionString(string database, int? port = null, string? applicationName = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = PostgresHost,
            Port = port ?? PostgresPort,
            Database = database,
            Username = User,
            Password = Password,
            ApplicationName = applicationName ?? "engage-tests",
            MaxPoolSize = 30,
        }.ConnectionString;

    public static string UniqueName(string prefix) =>
        $"t_{prefix}_{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 3 + 32)].ToLowerInvariant();

    public static async Task<string> CreateDatabaseAsync(string name)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"create database {name}", conn);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var cmd = new NpgsqlCommand($"drop database if exists {name} with (force)", conn);
                await cmd.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (attempt < 5 && e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                // A session of another role (an autovacuum worker) can still be in the database for a moment.
                await Task.Delay(200 * attempt);
            }
        }
    }

    /// <summary>One value from a query on a test database, with named parameters.</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (n, v) in parameters)
        {
            cmd.Parameters.AddWithValue(n, v);
        }

        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static HttpClient RabbitAdmin()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://{RabbitHost}:15672/api/"), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
        return client;
    }

    public static async Task CreateVirtualHostAsync(string vhost)
    {
        using var client = RabbitAdmin();
        (await client.PutAsJsonAsync($"vhosts/{Uri.EscapeDataString(vhost)}", new { })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync($"permissions/{Uri.EscapeDataString(vhost)}/{User}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        // The delivery-limit policy is per virtual host; tests get the same one as the real stack.
        (await client.PutAsJsonAsync($"policies/{Uri.EscapeDataString(vhost)}/engage-delivery-limit",
            new { pattern = ".*", definition = new Dictionary<string, object> { ["delivery-limit"] = 20 }, applyTo = "queues" }))
            .EnsureSuccessStatusCode();
    }

    public static async Task DeleteVirtualHostAsync(string vhost)
    {
        using var client = RabbitAdmin();
        await client.DeleteAsync($"vhosts/{Uri.EscapeDataString(vhost)}");
    }

    /// <summary>
    /// Waits for an asynchronous effect (a consumer, a projection) to become visible. It polls a real condition with a
    /// deadline; it does not sleep and hope.
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what ?? "the condition"}; last value: {last}");
            }

            await Task.Delay(50);
        }
    }
}
