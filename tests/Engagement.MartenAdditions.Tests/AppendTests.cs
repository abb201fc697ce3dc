using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.MartenAdditions.Tests;

/// <summary>Races made real: one writer's transaction is held open while the other tries, so both really overlap.</summary>
public sealed class AppendTests : DatabasePerTest
{
    [Fact]
    public async Task concurrent_appends_to_one_stream_have_exactly_one_winner()
    {
        var first = await Fixture.StartHostAsync(new RecordingPublisher(), "one-first", daemon: false);
        var second = await Fixture.StartHostAsync(new RecordingPublisher(), "one-second", daemon: false);
        var stream = $"race-{Guid.NewGuid():N}";
        var store = second.Services.GetRequiredService<IDocumentStore>();
        await using (var s = store.LightweightSession())
        {
            s.Events.StartStream(stream, new ThingHappened(Guid.Empty, Guid.NewGuid()));
            await s.SaveChangesAsync();
        }

        // Both decided against version 1.
        await using var loser = store.LightweightSession();
        var loserStream = await loser.Events.FetchForWriting<Tally>(stream, 1);
        var winnerMark = Guid.NewGuid();
        await using var hold = await HeldSave.StartAsync(Fixture, first.Services.GetRequiredService<IDocumentStore>(), "one-first",
            s => s.Events.Append(stream, 2, new ThingHappened(Guid.Empty, winnerMark)));

        loserStream.AppendOne(new ThingHappened(Guid.Empty, Guid.NewGuid()));
        var losing = loser.SaveChangesAsync();
        await hold.CommitAsync();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => losing);
        Assert.True(CommandPath.IsConflict(e), $"a concurrency failure, not {e.GetType().Name}: {e.Message}");

        await using var query = store.QuerySession();
        var tally = await query.LoadAsync<Tally>(stream);
        Assert.Equal(2, tally!.Version);
        Assert.Equal(winnerMark, tally.Marks[^1]);
        Assert.Equal(2, (await query.Events.FetchStreamAsync(stream)).Count);
    }

    [Fact]
    public async Task two_creators_of_one_new_stream_have_exactly_one_winner()
    {
        var first = await Fixture.StartHostAsync(new RecordingPublisher(), "new-first", daemon: false);
        var second = await Fixture.StartHostAsync(new RecordingPublisher(), "new-second", daemon: false);
        var stream = $"new-{Guid.NewGuid():N}";
        var winnerMark = Guid.NewGuid();
        await using var hold = await HeldSave.StartAsync(Fixture, first.Services.GetRequiredService<IDocumentStore>(), "new-first",
            s => s.Events.StartStream(stream, new ThingHappened(Guid.Empty, winnerMark)));

        var store = second.Services.GetRequiredService<IDocumentStore>();
        var losing = Task.Run(async () =>
        {
            await using var s = store.LightweightSession();
            s.Events.StartStream(stream, new ThingHappened(Guid.Empty, Guid.NewGuid()));
            await s.SaveChangesAsync();
        });
        await Fixture.WaitUntilBlockedAsync("new-second");
        await hold.CommitAsync();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => losing);
        Assert.True(CommandPath.IsConflict(e), $"a concurrency failure, not {e.GetType().Name}: {e.Message}");

        await using var query = store.QuerySession();
        var events = await query.Events.FetchStreamAsync(stream);
        Assert.Equal(winnerMark, Assert.Single(events).Data is ThingHappened t ? t.Mark : Guid.Empty);
    }

    [Fact]
    public async Task the_command_path_retries_internal_conflicts_and_every_decision_lands()
    {
        var host = await Fixture.StartHostAsync(new RecordingPublisher(), "retry", daemon: false);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var stream = $"retry-{Guid.NewGuid():N}";
        var marks = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToList();

        await Task.WhenAll(marks.Select(m => Task.Run(() => CommandPath.HandleAsync<Tally>(store, stream, null,
            (_, _) => [new ThingHappened(Guid.Empty, m)]))));

        await using var query = store.QuerySession();
        var tally = await query.LoadAsync<Tally>(stream);
        Assert.Equal(marks.Order(), tally!.Marks.Order());
        Assert.Equal(12, tally.Version);
    }

    [Fact]
    public async Task a_stale_if_match_is_412_and_is_never_retried()
    {
        var host = await Fixture.StartHostAsync(new RecordingPublisher(), "stale", daemon: false);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var stream = $"stale-{Guid.NewGuid():N}";
        await CommandPath.HandleAsync<Tally>(store, stream, null, (_, _) => [new ThingHappened(Guid.Empty, Guid.NewGuid())]);
        await CommandPath.HandleAsync<Tally>(store, stream, 1, (_, _) => [new ThingHappened(Guid.Empty, Guid.NewGuid())]);

        var decided = 0;
        var stale = await Assert.ThrowsAsync<StaleVersionException>(() => CommandPath.HandleAsync<Tally>(store, stream, 1, (_, _) =>
        {
            decided++;
            return [new ThingHappened(Guid.Empty, Guid.NewGuid())];
        }));
        Assert.Equal(2, stale.Actual);
        Assert.True(decided <= 1, "a stale If-Match is not decided again");
    }
}
