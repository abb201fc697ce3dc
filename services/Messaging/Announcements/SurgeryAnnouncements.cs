using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Engagement.EventStore;
using Engagement.Messaging.Alerts;
using Engagement.Messaging.Delivery;
using Engagement.Messaging.Inbox;
using Engagement.ServiceDefaults;
using MassTransit;
using Npgsql;
using C = Engagement.Contracts;
using ConcurrencyException = Engagement.EventStore.ConcurrencyException;

namespace Engagement.Messaging.Announcements;

/// <summary>
/// Surgeries nobody hears about are surgeries nobody comes to. A scheduled or cancelled surgery is announced to the
/// area's residents who follow "surgeries" and to the area's key individuals, through the same alert pipeline as
/// staff alerts; booked residents hear of changes in their inbox, and bookers get their confirmation there.
/// </summary>
public sealed class SurgeryAnnouncements(EventStore.EventStore store, Dispatcher dispatcher)
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

    /// <summary>An area announcement as a system alert whose id follows from the message, so a redelivery is a no-op.</summary>
    public async Task AnnounceToAreaAsync(Guid messageId, string areaCode, string subject, string body, CancellationToken ct)
    {
        var alertId = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"surgery-announcement:{messageId}")).AsSpan(0, 16));
        var audience = new Audience([areaCode], ["surgeries"], Residents: true, Kin: true, KinIssues: []);
        long targeted;
        await using (var conn = await store.DataSource.OpenConnectionAsync(ct))
        {
            targeted = await AudienceQuery.CountAsync(conn, store.Schema, audience, ct);
        }

        if (targeted == 0)
        {
            return;
        }

        try
        {
            await store.AppendAsync(Alert.StreamId(alertId), Alert.StreamType, ExpectedVersion.NoStream,
                [new AlertRequested(alertId, "information", Alert.Routine, audience, subject, body, new Dictionary<string, Translation>(), targeted, false, System)],
                new EventMetadata(CausationId: messageId.ToString(), UserId: System), ct);
        }
        catch (ConcurrencyException)
        {
            // Already announced: this message was delivered before.
        }

        dispatcher.Wake(alertId);
    }

    /// <summary>Messages to named residents' inboxes, once per incoming message (the consumer's inbox row commits with them).</summary>
    public Task ToResidentsAsync(Guid messageId, string consumer, IReadOnlyCollection<string> residentIds, string kind, string subject, string body, CancellationToken ct) =>
        store.HandleOnceAsync(messageId, consumer, session =>
        {
            session.Execute(async (conn, tx, t) =>
            {
                var subscribed = new List<(string Id, string Language)>();
                await using (var cmd = new NpgsqlCommand($"select subscriber_id, language from {store.Schema}.subscribers where subscriber_id = any(@ids) and active", conn, tx))
                {
                    cmd.Parameters.AddWithValue("ids", residentIds.ToArray());
                    await using var r = await cmd.ExecuteReaderAsync(t);
                    while (await r.ReadAsync(t))
                    {
                        subscribed.Add((r.GetString(0), r.GetString(1)));
                    }
                }

                foreach (var (id, language) in subscribed)
                {
                    await InboxWriter.AddAsync(conn, tx, store.Schema, new InboxItem(Guid.CreateVersion7(), id, null, kind, subject, body, language), t);
                }
            });
            return Task.CompletedTask;
        }, new EventMetadata(CausationId: messageId.ToString(), UserId: System), ct);
}

public sealed class SurgeryScheduledConsumer(SurgeryAnnouncements announce) : IConsumer<C.SurgeryScheduled>
{
    public Task Consume(ConsumeContext<C.SurgeryScheduled> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        var booking = m.Capacity is null ? "Just drop in: no booking needed." : $"Places are limited ({m.Capacity}); book a place through the app.";
        return announce.AnnounceToAreaAsync(context.MessageId ?? m.EventId, m.AreaCode, $"Beat surgery: {m.Title}",
            $"Meet your neighbourhood team on {SurgeryAnnouncements.When(m.StartsAt)} at {SurgeryAnnouncements.Where(m.Venue)}. {booking}", context.CancellationToken);
    }
}

public sealed class SurgeryRescheduledConsumer(SurgeryAnnouncements announce) : IConsumer<C.SurgeryRescheduled>
{
    public Task Consume(ConsumeContext<C.SurgeryRescheduled> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        return announce.ToResidentsAsync(context.MessageId ?? m.EventId, nameof(SurgeryRescheduledConsumer), m.BookedResidentIds, "surgery-changed",
            "Your beat surgery has changed", $"It is now on {SurgeryAnnouncements.When(m.StartsAt)} at {SurgeryAnnouncements.Where(m.Venue)}. Your booking still stands.",
            context.CancellationToken);
    }
}

public sealed class SurgeryCancelledConsumer(SurgeryAnnouncements announce) : IConsumer<C.SurgeryCancelled>
{
    public async Task Consume(ConsumeContext<C.SurgeryCancelled> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        var id = context.MessageId ?? m.EventId;
        var text = $"The beat surgery on {SurgeryAnnouncements.When(m.StartsAt)} is cancelled: {m.Reason}";
        await announce.ToResidentsAsync(id, nameof(SurgeryCancelledConsumer), m.BookedResidentIds, "surgery-cancelled", "Your beat surgery is cancelled",
            text + " We are sorry for the change.", context.CancellationToken);
        await announce.AnnounceToAreaAsync(id, m.AreaCode, "Beat surgery cancelled", text, context.CancellationToken);
    }
}

public sealed class BookingConfirmedConsumer(SurgeryAnnouncements announce) : IConsumer<C.BookingConfirmed>
{
    public Task Consume(ConsumeContext<C.BookingConfirmed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        return announce.ToResidentsAsync(context.MessageId ?? m.EventId, nameof(BookingConfirmedConsumer), [m.ResidentId], "booking-confirmed",
            "Your place is booked", $"See you on {SurgeryAnnouncements.When(m.StartsAt)} at {SurgeryAnnouncements.Where(m.Venue)}.", context.CancellationToken);
    }
}

public sealed class BookingPromotedConsumer(SurgeryAnnouncements announce) : IConsumer<C.BookingPromoted>
{
    public Task Consume(ConsumeContext<C.BookingPromoted> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        return announce.ToResidentsAsync(context.MessageId ?? m.EventId, nameof(BookingPromotedConsumer), [m.ResidentId], "booking-promoted",
            "A place has come free for you", $"You were on the waitlist and now have a place on {SurgeryAnnouncements.When(m.StartsAt)} at {SurgeryAnnouncements.Where(m.Venue)}.",
            context.CancellationToken);
    }
}
