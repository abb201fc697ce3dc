using System.Globalization;
using Engagement.MartenAdditions;
using Engagement.Messaging.Alerts;
using Engagement.Messaging.Inbox;
using Marten;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Messaging.YouSaidWeDid;

/// <summary>
/// The closed loop: when an officer records what was done about a priority, each resident who raised it and consented to
/// hear back gets "You said, we did" in their inbox, in their language. Plans sends only consenting raisers it has not
/// forgotten; an erased or unknown resident has no subscription here, so nothing is written for them. Handled once per
/// message: the inbox rows and the inbox entry commit together.
/// </summary>
public sealed class PriorityActionedConsumer(IDocumentStore store, EventStoreSettings settings) : IConsumer<C.PriorityActioned>
{
    public const string Name = "messaging-priority-actioned";
    public const string Kind = "you-said-we-did";

    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");
    private static readonly CultureInfo Welsh = CultureInfo.GetCultureInfo("cy-GB");

    /// <summary>
    /// The message in English, with the Welsh version that <see cref="Alert.ContentFor"/> puts beside it for Welsh readers
    /// (as every message in Wales must be); the issue and the action are the officer's words, as police.uk shows them.
    /// </summary>
    public static (string Subject, string Body) Text(C.PriorityActioned m, string language)
    {
        ArgumentNullException.ThrowIfNull(m);
        var english = $"You raised: {m.Issue}\n\nWhat we did on {m.ActionedOn.ToString("d MMMM yyyy", English)}: {m.Action}"
            + (m.Outcome is { } outcome ? $"\n\nThe outcome: {outcome}" : "")
            + "\n\nThank you for telling us. Everything you raised, and what became of it, is in the app.";
        var welsh = $"Fe godoch chi: {m.Issue}\n\nBeth wnaethom ni ar {m.ActionedOn.ToString("d MMMM yyyy", Welsh)}: {m.Action}"
            + (m.Outcome is { } canlyniad ? $"\n\nY canlyniad: {canlyniad}" : "")
            + "\n\nDiolch am ddweud wrthym. Mae popeth a godoch chi, a beth ddigwyddodd iddo, yn yr ap.";
        return Alert.ContentFor("You said, we did", english,
            new Dictionary<string, Translation> { ["cy"] = new("Dywedoch chi, fe wnaethom ni", welsh) }, language);
    }

    public async Task Consume(ConsumeContext<C.PriorityActioned> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        await store.HandleOnceAsync(context.MessageId ?? m.EventId, Name, async session =>
        {
            session.CausationId = m.EventId.ToString();
            session.LastModifiedBy = "system:plans";
            await InboxWriter.ToSubscribersAsync(await session.ConnectionInTransactionAsync(context.CancellationToken), settings.Schema,
                m.RaiserIds, Kind, language => Text(m, language), context.CancellationToken);
        }, context.CancellationToken);
    }
}

/// <summary>Named for this service, so another service's consumer of PriorityActioned (Plans' evaluation, later) gets its own queue.</summary>
public sealed class PriorityActionedConsumerDefinition : ConsumerDefinition<PriorityActionedConsumer>
{
    public PriorityActionedConsumerDefinition()
    {
        EndpointName = PriorityActionedConsumer.Name;
        ConcurrentMessageLimit = 4;
    }
}
