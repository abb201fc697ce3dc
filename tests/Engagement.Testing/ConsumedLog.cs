using System.Collections.Concurrent;
using MassTransit;

namespace Engagement.Testing;

/// <summary>
/// The message ids the service's own consumers have finished with (handled, or found already handled), so a test can
/// wait for a redelivery to have been dealt with instead of sleeping.
/// </summary>
public sealed class ConsumedLog : IConsumeObserver
{
    public ConcurrentBag<Guid> MessageIds { get; } = [];

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        MessageIds.Add(context.MessageId ?? Guid.Empty);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public Task WaitForAsync(Guid messageId, int times) =>
        TestInfrastructure.EventuallyAsync(() => Task.FromResult(MessageIds.Count(id => id == messageId)), n => n >= times, what: $"{messageId} consumed {times} times");
}
