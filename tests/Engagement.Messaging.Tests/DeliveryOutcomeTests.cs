using System.Net.Http.Json;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using Npgsql;
using static Engagement.Messaging.Tests.SubscriptionTestKit;

namespace Engagement.Messaging.Tests;

/// <summary>A lease of seconds rather than minutes, so a lease can run out inside a test.</summary>
public sealed class ShortLeaseFixture : MessagingFixture
{
    public const int LeaseSeconds = 3;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Messaging:LeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// A message that left for a resident is recorded as sent, whatever happens to its neighbours in the same batch, and
/// is never sent again: emails through the real SMTP server, outcomes in the real tables.
/// </summary>
public sealed class DeliveryOutcomeTests(ShortLeaseFixture f) : IClassFixture<ShortLeaseFixture>
{
    private async Task<Guid> AlertAsync(string area, string interest, string subject)
    {
        using var comms = f.As(Roles.Communications, "comms-" + area);
        var response = await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert(area, subject: subject, interests: [interest]));
        response.EnsureSuccessStatusCode();
        return Guid.Parse((await response.BodyAsync())["id"]!.GetValue<string>());
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(f.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private Task<bool> CompletedAsync(Guid alert) =>
        f.ScalarAsync<bool>("select coalesce((select completed is not null from messaging.alert_progress where alert_id = @a), false)", ("a", alert));

    private int AlertEmailsTo(string address, string subject) =>
        f.Smtp.Received().Count(m => m.To.Contains(address, StringComparison.OrdinalIgnoreCase) && m.Subject == subject);

    private Task<long> CountedAsync(Guid alert, string status) =>
        f.ScalarAsync<long>("select coalesce(sum(count), 0)::bigint from messaging.alert_counters where alert_id = @a and channel = 'email' and status = @s", ("a", alert), ("s", status));

    [Fact]
    public async Task a_batch_mixing_delivered_and_failed_emails_for_one_alert_records_each_and_sends_none_twice()
    {
        const string subject = "Garden tools taken from sheds";
        var reachable = new[] { await SubscribeWithContactsAsync(f, "mixed", "aspley", "burglary"), await SubscribeWithContactsAsync(f, "mixed", "aspley", "burglary") };
        // Verified for email but with no address left to send to: each one's outcome is "failed", in the same claim.
        var prefix = NewSub("noaddr") + "-";
        await Audiences.SeedAsync(f, prefix, 2, "aspley", ["burglary"], email: true);

        var alert = await AlertAsync("aspley", "burglary", subject);
        await TestInfrastructure.EventuallyAsync(() => CompletedAsync(alert), done => done, TimeSpan.FromSeconds(60), "the alert to complete");

        Assert.All(reachable, r => Assert.Equal(1, AlertEmailsTo(r.Email, subject)));
        foreach (var r in reachable)
        {
            Assert.Equal("delivered", await f.ScalarAsync<string>("select status from messaging.deliveries where alert_id = @a and recipient_id = @r and channel = 'email'", ("a", alert), ("r", r.Sub)));
        }

        Assert.Equal(2L, await f.ScalarAsync<long>("select count(*) from messaging.deliveries where alert_id = @a and channel = 'email' and status = 'failed' and reason like 'no-contact%'", ("a", alert)));
        // One claim, one attempt each: nothing went back to be claimed and sent again.
        Assert.Equal(1, await f.ScalarAsync<int>("select max(attempts) from messaging.deliveries where alert_id = @a and channel = 'email'", ("a", alert)));
        Assert.Equal((0L, 2L, 2L), (await CountedAsync(alert, "pending"), await CountedAsync(alert, "delivered"), await CountedAsync(alert, "failed")));
    }

    [Fact]
    public async Task an_email_whose_outcome_cannot_be_recorded_is_not_sent_again_when_its_lease_runs_out()
    {
        const string subject = "Bike thefts at the tram stop";
        var residents = new List<(string Sub, string Email, string Phone)>();
        for (var i = 0; i < 3; i++)
        {
            residents.Add(await SubscribeWithContactsAsync(f, "unrec", "basford", "vehicle-crime"));
        }

        // The database refuses every email outcome, as it once refused a whole batch with 21000: the emails leave, and
        // none of them can be recorded.
        await ExecuteAsync(
            """
            create function messaging.refuse_email_outcomes() returns trigger language plpgsql as $$
            begin raise exception 'injected: an email outcome cannot be recorded'; end $$;
            create trigger refuse_email_outcomes before insert on messaging.alert_counters for each row
                when (new.channel = 'email' and new.status <> 'pending') execute function messaging.refuse_email_outcomes();
            """);
        await using var second = f.StartAnotherInstance();
        Guid alert;
        try
        {
            alert = await AlertAsync("basford", "vehicle-crime", subject);
            await TestInfrastructure.EventuallyAsync(() => Task.FromResult(residents.Sum(r => AlertEmailsTo(r.Email, subject))), n => n >= residents.Count,
                TimeSpan.FromSeconds(60), "the emails to reach the SMTP server");
            Assert.Equal(3L, await f.ScalarAsync<long>("select count(*) from messaging.deliveries where alert_id = @a and channel = 'email' and status = 'sending'", ("a", alert)));

            // Both instances poll every quarter of a second; give them two seconds past the end of every lease.
            await TestInfrastructure.EventuallyAsync(
                () => f.ScalarAsync<bool>("select bool_and(next_attempt < now() - interval '2 seconds') from messaging.deliveries where alert_id = @a and channel = 'email'", ("a", alert)),
                expired => expired, TimeSpan.FromSeconds(ShortLeaseFixture.LeaseSeconds + 30), "every lease to have run out two seconds ago");
        }
        finally
        {
            await ExecuteAsync("drop trigger refuse_email_outcomes on messaging.alert_counters; drop function messaging.refuse_email_outcomes();");
        }

        await TestInfrastructure.EventuallyAsync(() => CompletedAsync(alert), done => done, TimeSpan.FromSeconds(60), "the alert to complete once outcomes can be recorded");

        Assert.All(residents, r => Assert.Equal(1, AlertEmailsTo(r.Email, subject)));
        Assert.Equal(3L, await f.ScalarAsync<long>("select count(*) from messaging.deliveries where alert_id = @a and channel = 'email' and status = 'delivered' and attempts = 1", ("a", alert)));
        Assert.Equal((0L, 3L), (await CountedAsync(alert, "pending"), await CountedAsync(alert, "delivered")));
    }
}
