using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Subscriptions;

/// <summary>
/// DELETE /me: the resident's right to erasure. In one transaction: their keys become tombstones (every event and
/// document sealed with them now reads back without personal fields), an erasure event with no personal data is
/// appended, the subscription's snapshot keeps no personal field, their rows leave the plain tables (targeting, inbox,
/// deliveries, fatigue), and the erasure is audited. Asking again erases again and answers the same.
/// </summary>
public static class EraseSubscriber
{
    public static async Task<NoContent> Handle(
        HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var sub = user.SubjectId();
        IReadOnlyList<string> subjects = [];
        await SubscriptionStore.RunAsync(store, sub, http.Request.IfMatchVersion(), s =>
            {
                // After an erasure the state is already the next generation; the erased one is the one before it.
                var generation = s.Erased ? s.Generation - 1 : s.Generation;
                subjects = DataSubjects.SubscriberUpTo(sub, s.Generation).ToList();
                return [new SubscriberErased(sub, generation, sub)];
            },
            async (session, _, t) =>
            {
                foreach (var subject in subjects)
                {
                    session.EraseSubject(subject);
                }

                await SubscriberTable.EraseAsync(await session.ConnectionInTransactionAsync(t), settings.Schema, sub, t);
                await session.AuditAsync(settings, user, new Audit.Entry("erase", "subscriber", sub, "resident asked to be erased",
                    new { subjects = subjects.Count, tables = new[] { "subscribers", "inbox_messages", "deliveries", "fatigue" } }), t);
            }, sub, clock.GetUtcNow(), ct);
        return TypedResults.NoContent();
    }
}
