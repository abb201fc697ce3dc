using Engagement.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.MartenAdditions.Tests;

/// <summary>The relay and the async projections on Marten's HotCold daemon: failure, takeover and rebuild.</summary>
public sealed class DaemonTests : DatabasePerTest
{
    [Fact]
    public async Task a_relay_that_fails_after_publishing_publishes_the_page_again_and_the_inbox_makes_the_effect_once()
    {
        var publisher = new RecordingPublisher { FailAfterNextPublish = true };
        var host = await Fixture.StartHostAsync(publisher, "relay-fail");
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var mark = Guid.NewGuid();
        await MartenFixture.AppendAsync(store, $"fail-{Guid.NewGuid():N}", mark);

        var published = await TestInfrastructure.EventuallyAsync(() => Task.FromResult(publisher.Published.Where(m => ((ThingAnnounced)m.Message).Mark == mark).ToList()),
            m => m.Count >= 2, TimeSpan.FromSeconds(30), "the failed page to be published again");
        Assert.Single(published.Select(m => m.MessageId).Distinct());

        var effects = 0;
        foreach (var m in published)
        {
            if (await store.HandleOnceAsync(m.MessageId, "consumer", _ => Task.CompletedTask))
            {
                effects++;
            }
        }

        Assert.Equal(1, effects);
    }

    [Fact]
    public async Task when_the_active_instance_dies_the_standby_takes_over_with_nothing_lost_and_nothing_applied_twice()
    {
        var first = new RecordingPublisher();
        var second = new RecordingPublisher();
        var a = await Fixture.StartHostAsync(first, "hot-a");
        var store = a.Services.GetRequiredService<IDocumentStore>();
        var stream = $"takeover-{Guid.NewGuid():N}";
        var before = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        foreach (var m in before)
        {
            await MartenFixture.AppendAsync(store, stream, m);
        }

        await TestInfrastructure.EventuallyAsync(() => Task.FromResult(first.Marks), m => before.All(m.Contains), TimeSpan.FromSeconds(30), "the first instance to relay");
        var b = await Fixture.StartHostAsync(second, "hot-b");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(second.Published);

        // The first instance "crashes": its sessions end at once, its leadership lock with them.
        await a.StopAsync(new CancellationToken(canceled: true)).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        await Fixture.KillSessionsAsync("hot-a");
        var after = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        var writer = b.Services.GetRequiredService<IDocumentStore>();
        foreach (var m in after)
        {
            await MartenFixture.AppendAsync(writer, stream, m);
        }

        var relayed = await TestInfrastructure.EventuallyAsync(() => Task.FromResult(second.Marks), m => after.All(m.Contains), TimeSpan.FromSeconds(60), "the standby to take over");
        Assert.Equal(after, relayed.Where(after.Contains).ToList());

        await using var q = writer.QuerySession();
        var tally = await TestInfrastructure.EventuallyAsync(() => q.LoadAsync<LateTally>(stream), t => t?.Marks.Count >= 40, TimeSpan.FromSeconds(30), "the async projection to catch up");
        Assert.Equal(before.Concat(after), tally!.Marks);
    }

    [Fact]
    public async Task an_async_projection_rebuilt_from_zero_equals_the_live_one()
    {
        var host = await Fixture.StartHostAsync(new RecordingPublisher(), "rebuild");
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var streams = Enumerable.Range(0, 5).Select(_ => $"rebuild-{Guid.NewGuid():N}").ToList();
        foreach (var s in streams)
        {
            for (var i = 0; i < 4; i++)
            {
                await MartenFixture.AppendAsync(store, s, Guid.NewGuid());
            }
        }

        await using var q = store.QuerySession();
        var live = await TestInfrastructure.EventuallyAsync(() => q.LoadManyAsync<LateTally>(streams), l => l.Count == 5 && l.All(t => t.Marks.Count == 4), TimeSpan.FromSeconds(30), "the live projection");

        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync<LateTally>(CancellationToken.None);
        await using var q2 = store.QuerySession();
        var rebuilt = await q2.LoadManyAsync<LateTally>(streams);
        Assert.Equal(live.OrderBy(t => t.Id).Select(t => (t.Id, string.Join(',', t.Marks), t.Version)), rebuilt.OrderBy(t => t.Id).Select(t => (t.Id, string.Join(',', t.Marks), t.Version)));
    }
}
