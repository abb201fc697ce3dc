using Engagement.Testing;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.MartenAdditions.Tests;

/// <summary>
/// Sequence numbers are taken when rows are inserted but become visible when their transaction commits, so the log can
/// show 11 before 10. A subscriber that moves past a gap while the transaction that holds it is still open loses that
/// event for ever; one that waits for a rolled-back gap waits for ever. These pin both against Marten's daemon.
/// </summary>
public sealed class OrderingTests : DatabasePerTest
{
    private Task<IHost> Writer(string name) => Fixture.StartHostAsync(new RecordingPublisher(), name, daemon: false);

    [Fact]
    public async Task an_append_that_commits_late_reaches_the_async_projection_and_the_relay_in_order()
    {
        var publisher = new RecordingPublisher();
        var daemon = await Fixture.StartHostAsync(publisher, "late-daemon");
        var writer = await Writer("late-writer");
        var held = await Writer("late-held");
        var store = writer.Services.GetRequiredService<IDocumentStore>();
        var early = Guid.NewGuid();
        var late = Guid.NewGuid();
        var after = Guid.NewGuid();
        var stream = $"late-{Guid.NewGuid():N}";
        var other = $"late-other-{Guid.NewGuid():N}";

        // The held append takes its sequence number first; the next one takes a higher number and commits at once.
        await using var hold = await HeldSave.StartAsync(Fixture, held.Services.GetRequiredService<IDocumentStore>(), "late-held",
            s => s.Events.Append(stream, new ThingHappened(Guid.Empty, late)));
        await MartenFixture.AppendAsync(store, other, early);

        // Longer than the daemon's stale-sequence threshold (3 s): a store that skips gaps on a timer moves past the
        // held one now, relays the later event, and never sees the held one again.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(early, publisher.Marks);
        await hold.CommitAsync();
        await MartenFixture.AppendAsync(store, other, after);

        var marks = await TestInfrastructure.EventuallyAsync(() => Task.FromResult(publisher.Marks), m => m.Contains(after), TimeSpan.FromSeconds(20), "the relay to pass the late commit");
        Assert.Equal([late, early, after], marks.Where(m => m == late || m == early || m == after).ToList());

        await using var query = store.QuerySession();
        var projected = await TestInfrastructure.EventuallyAsync(() => query.LoadAsync<LateTally>(stream), t => t is not null, TimeSpan.FromSeconds(20), "the async projection to see the late event");
        Assert.Equal([late], projected!.Marks);
    }

    [Fact]
    public async Task the_relay_publishes_committed_events_with_the_event_id_as_message_id()
    {
        var publisher = new RecordingPublisher();
        var host = await Fixture.StartHostAsync(publisher, "plain-daemon");
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var stream = $"plain-{Guid.NewGuid():N}";
        var mark = Guid.NewGuid();
        await MartenFixture.AppendAsync(store, stream, mark);

        await TestInfrastructure.EventuallyAsync(() => Task.FromResult(publisher.Marks), m => m.Contains(mark), TimeSpan.FromSeconds(20), "the relay to publish");
        await using var query = store.QuerySession();
        var stored = Assert.Single(await query.Events.FetchStreamAsync(stream));
        Assert.Equal(stored.Id, Assert.Single(publisher.Published, m => ((ThingAnnounced)m.Message).Mark == mark).MessageId);
    }

    [Fact]
    public async Task a_rolled_back_append_does_not_stall_the_relay()
    {
        var publisher = new RecordingPublisher();
        await Fixture.StartHostAsync(publisher, "hole-daemon");
        var writer = await Writer("hole-writer");
        var held = await Writer("hole-held");
        var store = writer.Services.GetRequiredService<IDocumentStore>();
        var lost = Guid.NewGuid();
        var after = Guid.NewGuid();

        await using var hold = await HeldSave.StartAsync(Fixture, held.Services.GetRequiredService<IDocumentStore>(), "hole-held",
            s => s.Events.Append($"hole-{Guid.NewGuid():N}", new ThingHappened(Guid.Empty, lost)));
        await hold.RollBackAsync();
        await MartenFixture.AppendAsync(store, $"hole-after-{Guid.NewGuid():N}", after);

        var marks = await TestInfrastructure.EventuallyAsync(() => Task.FromResult(publisher.Marks), m => m.Contains(after), TimeSpan.FromSeconds(30), "the relay to pass the hole");
        Assert.DoesNotContain(lost, marks);
    }
}
