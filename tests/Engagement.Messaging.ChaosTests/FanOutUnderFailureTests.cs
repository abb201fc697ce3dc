using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Engagement.Messaging.ChaosTests;

public sealed class FanOutUnderFailureTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Residents = 20_000;
    private readonly string _database = TestInfrastructure.UniqueName("chaos");
    private readonly string _vhost = TestInfrastructure.UniqueName("chaos");
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await TestInfrastructure.CreateDatabaseAsync(_database);
        await TestInfrastructure.CreateVirtualHostAsync(_vhost);
    }

    public async Task DisposeAsync()
    {
        await TestInfrastructure.DeleteVirtualHostAsync(_vhost);
        await TestInfrastructure.DropDatabaseAsync(_database);
    }

    private async Task<T> ScalarAsync<T>(string sql, Guid? alert = null)
    {
        await using var conn = new NpgsqlConnection(_connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        if (alert is { } a)
        {
            cmd.Parameters.AddWithValue("a", a);
        }

        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static void RabbitMq(string command)
    {
        using var p = Process.Start(new ProcessStartInfo("rabbitmqctl", ["-q", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        p.WaitForExit(60_000);
        Assert.True(p.ExitCode == 0, $"rabbitmqctl {command} failed: {p.StandardError.ReadToEnd()}");
    }

    [Fact]
    public async Task a_fan_out_of_twenty_thousand_survives_kill_9_and_a_rabbitmq_restart_with_none_lost_and_none_twice()
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__EventStore"] = _connectionString,
            ["RabbitMq__VirtualHost"] = _vhost,
            ["EventStore__PollIntervalMs"] = "50",
            // Small batches, one at a time, so that the fan-out is still running when the failures hit.
            ["Messaging__BatchSize"] = "25",
            ["Messaging__BatchConcurrency"] = "1",
            ["Messaging__SweepSeconds"] = "1",
        };
        await using var service = new ServiceProcess(settings);
        await service.StartAsync();
        await using (var conn = new NpgsqlConnection(_connectionString))
        {
            await conn.OpenAsync();
            await using var seed = new NpgsqlCommand(
                $"insert into messaging.subscribers (subscriber_id, area_codes, interests) select 'res-' || n, array['bulwell'], array['scams'] from generate_series(1, {Residents}) n", conn);
            await seed.ExecuteNonQueryAsync();
        }

        using var comms = new HttpClient { BaseAddress = service.BaseAddress };
        comms.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create("communications", "comms-chaos"));
        var sent = await comms.PostAsJsonAsync("/api/messaging/alerts", new
        {
            type = "warn-and-inform", priority = "routine", audience = new { areas = new[] { "bulwell" }, interests = new[] { "scams" } },
            subject = "Chaos drill", body = "This message must arrive exactly once.",
        });
        var alert = Guid.Parse((await sent.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        // The two-person rule applies above 5,000 recipients: a second member of staff approves.
        using var approver = new HttpClient { BaseAddress = service.BaseAddress };
        approver.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create("communications", "comms-approver"));
        (await approver.PostAsync($"/api/messaging/alerts/{alert}/approve", null)).EnsureSuccessStatusCode();

        // Kill -9 while batches are being delivered, then start a new process.
        await TestInfrastructure.EventuallyAsync(() => ScalarAsync<int>("select coalesce((select batches_done from messaging.alert_progress where alert_id = @a), 0)", alert),
            n => n >= 20, TimeSpan.FromSeconds(60), "the fan-out to be under way");
        service.Kill();
        var atKill = await ScalarAsync<int>("select batches_done from messaging.alert_progress where alert_id = @a", alert);
        await service.StartAsync();

        // Restart RabbitMQ while batches are still queued in it.
        await TestInfrastructure.EventuallyAsync(() => ScalarAsync<int>("select batches_done from messaging.alert_progress where alert_id = @a", alert),
            n => n >= atKill + 20, TimeSpan.FromSeconds(60), "the new process to resume the fan-out");
        RabbitMq("stop_app");
        // With the broker down nothing can move: this is how far the fan-out had got when RabbitMQ went away.
        var atRestart = await ScalarAsync<int>("select batches_done from messaging.alert_progress where alert_id = @a", alert);
        RabbitMq("start_app");
        RabbitMq("await_startup");

        await TestInfrastructure.EventuallyAsync(() => ScalarAsync<bool>("select completed is not null from messaging.alert_progress where alert_id = @a", alert),
            done => done, TimeSpan.FromSeconds(240), "the alert to complete");

        var targeted = await ScalarAsync<long>("select targeted from messaging.alert_progress where alert_id = @a", alert);
        var delivered = await ScalarAsync<long>("select count(distinct subscriber_id) from messaging.inbox_messages where alert_id = @a", alert);
        var rows = await ScalarAsync<long>("select count(*) from messaging.inbox_messages where alert_id = @a", alert);
        var counted = await ScalarAsync<long>("select count from messaging.alert_counters where alert_id = @a and channel = 'in-app' and status = 'delivered'", alert);
        var total = await ScalarAsync<int>("select batches_total from messaging.alert_progress where alert_id = @a", alert);
        output.WriteLine($"batches: {total} (killed at {atKill} done, RabbitMQ restarted at {atRestart} done)");
        output.WriteLine($"targeted {targeted}, delivered {delivered}, lost {targeted - delivered}, duplicated {rows - delivered}, counted {counted}");

        Assert.Equal(Residents, targeted);
        Assert.Equal(targeted, delivered);
        Assert.Equal(delivered, rows);
        Assert.Equal(delivered, counted);
        Assert.True(atRestart < total, "RabbitMQ was restarted before the fan-out finished");
    }
}
