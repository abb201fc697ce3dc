using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Subscriptions;

/// <summary>
/// DELETE /me: the resident's right to erasure; an administrator may do the same for a resident who asked by other
/// means (DELETE /subscriptions/{subscriberId}). In one transaction: their keys become tombstones (every event and
/// document sealed with them now reads back without personal fields), an erasure event with no personal data is
/// appended (the relay publishes it as ResidentErased, so every other service erases too), the subscription's snapshot
/// keeps no personal field, their rows leave the plain tables (targeting, inbox, deliveries, fatigue), and the erasure
/// is audited. Asking again erases again and answers the same.
/// </summary>
public static class EraseSubscriber
{
    public const string AdminReason = "erasure requested through an administrator";

    public static Task<NoContent> Handle(
        HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        return EraseAsync(user.SubjectId(), "resident asked to be erased", http, user, store, settings, clock, ct);
    }

    /// <summary>Admin: a resident's erasure on their behalf; the reason (X-Access-Reason) goes in the audit log.</summary>
    public static Task<NoContent> ForResident(
        string subscriberId, HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        return EraseAsync(subscriberId, Kin.KinAccess.OptionalReason(http.Request) ?? AdminReason, http, user, store, settings, clock, ct);
    }

    private static async Task<NoContent> EraseAsync(
        string sub, string reason, HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var by = user.SubjectId();
        IReadOnlyList<string> subjects = [];
        await SubscriptionStore.RunAsync(store, sub, http.Request.IfMatchVersion(), s =>
            {
                // After an erasure the state is already the next generation; the erased one is the one before it.
                var generation = s.Erased ? s.Generation - 1 : s.Generation;
                subjects = DataSubjects.SubscriberUpTo(sub, s.Generation).ToList();
                return [new SubscriberErased(sub, generation, by)];
            },
            async (session, _, t) =>
            {
                foreach (var subject in subjects)
                {
                    session.EraseSubject(subject);
                }

                await SubscriberTable.EraseAsync(await session.ConnectionInTransactionAsync(t), settings.Schema, sub, t);
                await session.AuditAsync(settings, user, new Audit.Entry("erase", "subscriber", sub, reason,
                    new { subjects = subjects.Count, tables = new[] { "subscribers", "inbox_messages", "deliveries", "fatigue" } }), t);
            }, by, clock.GetUtcNow(), ct);
        return TypedResults.NoContent();
    }
}
