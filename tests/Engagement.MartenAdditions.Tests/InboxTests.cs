using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.MartenAdditions.Tests;

public sealed class InboxTests : DatabasePerTest
{
    [Fact]
    public async Task a_message_delivered_many_times_at_once_has_its_effect_once()
    {
        var host = await Fixture.StartHostAsync(new RecordingPublisher(), "inbox", daemon: false);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var message = Guid.NewGuid();
        var stream = $"inbox-{message:N}";

        var handled = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.HandleOnceAsync(message, "counter", s =>
        {
            s.Events.Append(stream, new ThingHappened(Guid.Empty, Guid.NewGuid()));
            return Task.CompletedTask;
        }))));

        Assert.Equal(1, handled.Count(h => h));
        Assert.Equal(1, await Fixture.ScalarAsync<long>($"select count(*) from {MartenFixture.Schema}.mt_events where stream_id = @s", ("s", stream)));
        Assert.False(await store.HandleOnceAsync(message, "counter", _ => Task.CompletedTask));
        Assert.True(await store.HandleOnceAsync(message, "another-consumer", _ => Task.CompletedTask));
    }
}
