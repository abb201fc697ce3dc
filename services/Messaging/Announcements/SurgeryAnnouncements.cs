using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Engagement.MartenAdditions;
using Engagement.Messaging.Alerts;
using Engagement.Messaging.Delivery;
using Engagement.Messaging.Inbox;
using Engagement.ServiceDefaults;
using Marten;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Messaging.Announcements;

/// <summary>
/// Surgeries nobody hears about are surgeries nobody comes to. A scheduled or cancelled surgery is announced to the
/// area's residents who follow "surgeries" and to the area's key individuals, through the same alert pipeline as
/// staff alerts; booked residents hear of changes in their inbox, and bookers get their confirmation there. Each
/// consumed message is handled once: its effects (a system alert, inbox rows) and its inbox entry are written in one
/// session, so a redelivered message finds itself handled and does nothing twice.
/// </summary>
public sealed class SurgeryAnnouncements(IDocumentStore store, EventStoreSettings settings, Dispatcher dispatcher)
{
    public const string System = "system:surgeries";

    public static string When(DateTimeOffset startsAt)
    {
        var local = London.Show(startsAt);
        return local.ToString("dddd d MMMM yyyy 'at' HH:mm", CultureInfo.GetCultureInfo("en-GB"));
    }

    public static string Where(C.VenueInfo v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return $"{v.Name}, {v.Address}, {v.Postcode}{(v.Accessible ? " (step-free)" : "")}";
    }

    /// <summary>Runs a consumer's effects once per message, then wakes the dispatcher for the alert it may have started.</summary>
    public async Task HandleOnceAsync(Guid messageId, string consumer, Func<IDocumentSession, CancellationToken, Task> effects, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(effects);
        await store.HandleOnceAsync(messageId, consumer, async session =>
        {
            session.CausationId = messageId.ToString();
            session.LastModifiedBy = System;
            await effects(session, ct);
        }, ct);
        dispatcher.Wake(AlertIdFor(messageId));
    }

    /// <summary>An area announcement's alert id follows from the message, so it can only ever be started once.</summary>
    public static Guid AlertIdFor(Guid messageId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"surgery-announcement:{messageId}")).AsSpan(0, 16));

    /// <summary>An area announcement as a system alert, started in the consumer's session; nothing when nobody would hear it.</summary>
    public async Task AnnounceToAreaAsync(IDocumentSession session, Guid messageId, string areaCode, string subject, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var alertId = AlertIdFor(messageId);
        var audience = new Audience([areaCode], ["surgeries"], Residents: true, Kin: true, KinIssues: []);
        var targeted = await AudienceQuery.CountAsync(await session.ConnectionInTransactionAsync(ct), settings.Schema, audience, ct);
        if (targeted > 0)
        {
            session.Events.StartStream(Alert.StreamId(alertId),
                new AlertRequested(alertId, "information", Alert.Routine, audience, subject, body, new Dictionary<string, Translation>(), targeted, false, System));
        }
    }

    /// <summary>Messages to named residents' inboxes, in the consumer's session.</summary>
    public async Task ToResidentsAsync(IDocumentSession session, IReadOnlyCollection<string> residentIds, string kind, string subject, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        await InboxWriter.ToSubscribersAsync(await session.ConnectionInTransactionAsync(ct), settings.Schema, residentIds, kind, _ => (subject, body), ct);
    }
}

public sealed class SurgeryScheduledConsumer(SurgeryAnnouncements announce) : IConsumer<C.SurgeryScheduled>
{
    public Task Consume(ConsumeContext<C.SurgeryScheduled> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        var booking = m.Capacity is null ? "Just drop in: no booking needed." : $"Places are limited ({m.Capacity}); book a place through the app.";
        var id = context.MessageId ?? m.EventId;
        return announce.HandleOnceAsync(id, nameof(SurgeryScheduledConsumer), (session, ct) => announce.AnnounceToAreaAsync(session, id, m.AreaCode,
            $"Beat surgery: {m.Title}", $"Meet your neighbourhood team on {SurgeryAnnouncements.When(m.StartsAt)} at {SurgeryAnnouncements.Where(m.Venue)}. {booking}", ct),
            context.CancellationToken);
    }
}

public sealed class SurgeryRescheduledConsumer(SurgeryAnnouncements announce) : IConsumer<C.SurgeryRescheduled>
{
    public Task Consume(ConsumeContext<C.SurgeryRescheduled> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        return announce.HandleOnceAsync(context.MessageId ?? m.EventId, nameof(SurgeryRescheduledConsumer), (session, ct) => announce.ToResidentsAsync(session,
            m.BookedResidentIds, "surgery-changed", "Your beat surgery has changed",
            $"It is now on {SurgeryAnnouncements.When(m.StartsAt)} at {SurgeryAnnouncements.Where(m.Venue)}. Your booking still stands.", ct),
            context.CancellationToken);
    }
}

public sealed class SurgeryCancelledConsumer(SurgeryAnnouncements announce) : IConsumer<C.SurgeryCancelled>
{
    public Task Consume(ConsumeContext<C.SurgeryCancelled> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        var id = context.MessageId ?? m.EventId;
        var text = $"The beat surgery on {SurgeryAnnouncements.When(m.StartsAt)} is cancelled: {m.Reason}";
        return announce.HandleOnceAsync(id, nameof(SurgeryCancelledConsumer), async (session, ct) =>
        {
            await announce.ToResidentsAsync(session, m.BookedResidentIds, "surgery-cancelled", "Your beat surgery is cancelled", text + " We are sorry for the change.", ct);
            await announce.AnnounceToAreaAsync(session, id, m.AreaCode, "Beat surgery cancelled", text, ct);
        }, context.CancellationToken);
    }
}

public sealed class BookingConfirmedConsumer(SurgeryAnnouncements announce) : IConsumer<C.BookingConfirmed>
{
    public Task Consume(ConsumeContext<C.BookingConfirmed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        return announce.HandleOnceAsync(context.MessageId ?? m.EventId, nameof(BookingConfirmedConsumer), (session, ct) => announce.ToResidentsAsync(session,
            [m.ResidentId], "booking-confirmed", "Your place is booked", $"See you on {SurgeryAnnouncements.When(m.StartsAt)} at {SurgeryAnnouncements.Where(m.Venue)}.", ct),
            context.CancellationToken);
    }
}

public sealed class BookingPromotedConsumer(SurgeryAnnouncements announce) : IConsumer<C.BookingPromoted>
{
    public Task Consume(ConsumeContext<C.BookingPromoted> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        return announce.HandleOnceAsync(context.MessageId ?? m.EventId, nameof(BookingPromotedConsumer), (session, ct) => announce.ToResidentsAsync(session,
            [m.ResidentId], "booking-promoted", "A place has come free for you",
            $"You were on the waitlist and now have a place on {SurgeryAnnouncements.When(m.StartsAt)} at {SurgeryAnnouncements.Where(m.Venue)}.", ct),
            context.CancellationToken);
    }
}
