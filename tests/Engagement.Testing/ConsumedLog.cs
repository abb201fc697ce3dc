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
        Deliveries.Add((context.MessageId ?? Guid.Empty, context.ReceiveContext.InputAddress.AbsolutePath.Split('/')[^1]));
        return Task.CompletedTask;
    }

    /// <summary>Each message id with the queue it was consumed from: one message reaches every consumer of its type.</summary>
    public ConcurrentBag<(Guid MessageId, string Queue)> Deliveries { get; } = [];

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    /// <param name="queue">Only deliveries from this queue (a consumer's endpoint name); any queue when null.</param>
    public Task WaitForAsync(Guid messageId, int times, string? queue = null) =>
        TestInfrastructure.EventuallyAsync(() => Task.FromResult(Deliveries.Count(d => d.MessageId == messageId && (queue is null || d.Queue == queue))), n => n >= times,
            what: $"{messageId} consumed {times} times{(queue is null ? "" : " from " + queue)}");
}
