using Engagement.Testing;
using Engagement.Messaging.Delivery;
using Npgsql;

namespace Engagement.Messaging.Tests;

/// <summary>Recording sends' outcomes against the real tables: the rows and their counters move together.</summary>
public sealed class AlertCounterTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private async Task<Guid> SendingAsync(params string[] recipients)
    {
        var alert = Guid.CreateVersion7();
        await using var conn = new NpgsqlConnection(f.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            insert into messaging.deliveries (alert_id, recipient_id, channel, status, attempts) select @a, r, 'email', 'sending', 1 from unnest(@r) r;
            insert into messaging.alert_counters (alert_id, channel, status, count) values (@a, 'email', 'pending', cardinality(@r));
            """, conn);
        cmd.Parameters.AddWithValue("a", alert);
        cmd.Parameters.AddWithValue("r", recipients);
        await cmd.ExecuteNonQueryAsync();
        return alert;
    }

    private Task<long> CountAsync(Guid alert, string status) =>
        f.ScalarAsync<long>("select coalesce(sum(count), 0)::bigint from messaging.alert_counters where alert_id = @a and channel = 'email' and status = @s", ("a", alert), ("s", status));

    [Fact]
    public async Task a_batch_mixing_delivered_and_failed_outcomes_for_one_alert_is_recorded_with_its_counters()
    {
        var alert = await SendingAsync("r1", "r2", "r3", "r4");
        var other = await SendingAsync("r1");
        await using var conn = new NpgsqlConnection(f.ConnectionString);
        await conn.OpenAsync();
        await AlertCounters.RecordAsync(conn, null, "messaging", "email",
        [
            new(alert, "r1", Deliveries.Delivered, null, null),
            new(alert, "r2", Deliveries.Failed, "no-contact", null),
            new(alert, "r3", Deliveries.Delivered, null, null),
            new(alert, "r4", Deliveries.Pending, "try again", DateTimeOffset.UtcNow.AddSeconds(2)),
            new(other, "r1", Deliveries.Failed, "ParseException: String contains invalid Unicode\0 code points", null),
        ], CancellationToken.None);

        Assert.Equal((1L, 2L, 1L), (await CountAsync(alert, "pending"), await CountAsync(alert, "delivered"), await CountAsync(alert, "failed")));
        Assert.Equal((0L, 1L), (await CountAsync(other, "pending"), await CountAsync(other, "failed")));
        Assert.Equal(2L, await f.ScalarAsync<long>("select count(*) from messaging.deliveries where alert_id = @a and status = 'delivered'", ("a", alert)));
    }
}

/// <summary>Text an email cannot carry, and filters PostgreSQL cannot take, are refused at the API naming the field.</summary>
public sealed class MessagingInputTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    [Fact]
    public async Task alert_text_with_a_lone_surrogate_is_a_400_naming_the_field()
    {
        using var comms = f.As(Engagement.ServiceDefaults.Roles.Communications, "comms-surrogate");
        var body = System.Text.Json.JsonSerializer.Serialize(Audiences.Alert("sherwood", subject: "MARK")).Replace("MARK", "Bogus callers \\ud83d", StringComparison.Ordinal);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await comms.PostAsync("/api/messaging/alerts", content);
        var problem = await response.BodyAsync();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["subject"]);
    }

    [Theory]
    [InlineData("actor")]
    [InlineData("subjectType")]
    [InlineData("subjectId")]
    [InlineData("action")]
    public async Task a_nul_in_an_audit_filter_is_a_400_naming_it_and_the_next_read_works(string filter)
    {
        using var admin = f.As(Engagement.ServiceDefaults.Roles.Admin, "admin-nul");
        var response = await admin.GetAsync($"/api/messaging/audit?{filter}=%00");
        var problem = await response.BodyAsync();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]![filter]);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.GetAsync($"/api/messaging/audit?{filter}=x")).StatusCode);
    }
}
