using System.Security.Cryptography;
using System.Text;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Plans.Activities;

/// <summary>
/// Surgeries and alerts are engagement too: each surgery held, and each alert sent to an area, is logged as that area's
/// activity on its day. The activity's id follows from the event (and area), so a redelivery logs nothing twice.
/// </summary>
public static class AutomaticActivities
{
    public static Guid IdFor(string source) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"activity\n{source}")).AsSpan(0, 16));

    public static async Task LogAsync(IDocumentSession session, ActivityLogged logged, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(logged);
        var streamId = ActivityDocument.StreamId(logged.ActivityId);
        if (await session.Events.FetchStreamStateAsync(streamId, ct) is null)
        {
            session.Events.StartStream(streamId, logged);
        }
    }

    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(London.Show(at).DateTime);
}

public sealed class SurgeryActivityConsumer(IDocumentStore store) : IConsumer<C.SurgeryHeld>
{
    public const string Name = "plans-surgery-activity";

    public async Task Consume(ConsumeContext<C.SurgeryHeld> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        var source = $"surgery:{m.SurgeryId}";
        var logged = new ActivityLogged(AutomaticActivities.IdFor(source), m.AreaCode, null, "surgery", AutomaticActivities.Day(m.StartsAt),
            $"Beat surgery: {m.Attendance} attended, {m.IssuesRaised.Count} issue(s) raised.", null, "face-to-face", null, null, m.Attendance, source,
            "system:surgeries", m.OccurredAt);
        await store.HandleOnceAsync(context.MessageId ?? m.EventId, Name, session => AutomaticActivities.LogAsync(session, logged, context.CancellationToken),
            context.CancellationToken);
    }
}

public sealed class AlertActivityConsumer(IDocumentStore store) : IConsumer<C.AlertSent>
{
    public const string Name = "plans-alert-activity";

    public async Task Consume(ConsumeContext<C.AlertSent> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        var source = $"alert:{m.AlertId}";
        // The alert's recipients are counted for the whole alert; split among several areas, no area's share is known.
        var single = m.AreaCodes.Count == 1;
        await store.HandleOnceAsync(context.MessageId ?? m.EventId, Name, async session =>
        {
            foreach (var area in m.AreaCodes.Distinct(StringComparer.Ordinal))
            {
                var summary = single
                    ? $"{m.Priority} {m.Type} alert to {m.Targeted} recipient(s)."
                    : $"{m.Priority} {m.Type} alert to {m.Targeted} recipient(s) across {m.AreaCodes.Count} areas.";
                await AutomaticActivities.LogAsync(session, new ActivityLogged(AutomaticActivities.IdFor($"{source}:{area}"), area, null, "alert",
                    AutomaticActivities.Day(m.OccurredAt), summary, null, "alert", null, null, single ? m.Targeted : null, source, "system:messaging", m.OccurredAt),
                    context.CancellationToken);
            }
        }, context.CancellationToken);
    }
}

/// <summary>Queues named for this service, and apart from the priorities' own consumer of SurgeryHeld, so each gets every message.</summary>
public sealed class SurgeryActivityConsumerDefinition : ConsumerDefinition<SurgeryActivityConsumer>
{
    public SurgeryActivityConsumerDefinition() => EndpointName = SurgeryActivityConsumer.Name;
}

public sealed class AlertActivityConsumerDefinition : ConsumerDefinition<AlertActivityConsumer>
{
    public AlertActivityConsumerDefinition() => EndpointName = AlertActivityConsumer.Name;
}
