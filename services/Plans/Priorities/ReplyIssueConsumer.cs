using Engagement.MartenAdditions;
using Marten;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Plans.Priorities;

/// <summary>
/// A reply staff passed on as an issue becomes a candidate priority of its area (or a mention of the one already raised
/// for that category), with the resident who replied as its raiser. Handled once per message, through the inbox.
/// </summary>
public sealed class ReplyIssueConsumer(IDocumentStore store, EventStoreSettings settings) : IConsumer<C.ReplyRaisedAsIssue>
{
    public const string Name = "plans-reply-issue";

    public async Task Consume(ConsumeContext<C.ReplyRaisedAsIssue> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        var category = RaisePriority.Category(m.Category);
        if (category.Length == 0 || string.IsNullOrWhiteSpace(m.Summary))
        {
            return;
        }

        var candidate = new Candidate(m.AreaCode, category, new Mention("reply", $"reply:{m.ReplyId}", m.Summary.Trim(), m.OccurredAt, [m.RaiserId]));
        await store.HandleOnceAsync(context.MessageId ?? m.EventId, Name, async session =>
        {
            session.CausationId = m.EventId.ToString();
            session.LastModifiedBy = "system:messaging";
            await RaisePriority.AppendAsync(session, await Raisers.PlanRaisers.WithoutErasedAsync(session, settings.Schema, [candidate], context.CancellationToken),
                context.CancellationToken);
        }, context.CancellationToken);
    }
}

public sealed class ReplyIssueConsumerDefinition : ConsumerDefinition<ReplyIssueConsumer>
{
    public ReplyIssueConsumerDefinition() => EndpointName = ReplyIssueConsumer.Name;
}
