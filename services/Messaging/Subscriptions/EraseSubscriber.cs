using System.Security.Claims;
using Engagement.EventStore;
using Engagement.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Subscriptions;

/// <summary>
/// DELETE /me: the resident's right to erasure. In one transaction: their keys are deleted (every event and document
/// sealed with them now reads back without personal fields), an erasure event with no personal data is appended, the
/// subscription document becomes a tombstone that holds no personal field, their rows leave the plain tables
/// (targeting, inbox, deliveries, fatigue), and the erasure is audited. Asking again erases again and answers the same.
/// </summary>
public static class EraseSubscriber
{
    private const int Attempts = 3;

    public static async Task<NoContent> Handle(HttpContext http, ClaimsPrincipal user, EventStore.EventStore store, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var sub = user.SubjectId();
        var ifMatch = SetSubscription.IfMatch(http.Request);
        for (var attempt = 1; ; attempt++)
        {
            var (s, alreadyErased) = await SubscriptionStore.LoadAsync(store, sub, ct);
            if (ifMatch is { } expected && expected.Value != s.Version)
            {
                throw new ConcurrencyException(ResidentSubscription.StreamId(sub), expected.Value ?? 0, s.Version, VersionSource.IfMatch);
            }

            // A tombstone's fresh state is already the next generation; the erased one is the one before it.
            var generation = alreadyErased ? s.Generation - 1 : s.Generation;
            var subjects = ResidentSubscription.SubjectsUpTo(sub, s.Generation).ToList();
            var now = clock.GetUtcNow();
            await using var session = store.OpenSession(new EventMetadata(UserId: sub));
            session.Append(ResidentSubscription.StreamId(sub), ResidentSubscription.StreamType, ifMatch ?? ExpectedVersion.Exactly(s.Version),
                [new SubscriberErased(sub, generation, sub)]);
            session.Delete<ResidentSubscription>(sub);
            session.Store(sub, new ErasedResidentSubscription(sub, generation, s.Version + 1, now));
            foreach (var subject in subjects)
            {
                session.EraseSubject(subject);
            }

            session.Execute((conn, tx, t) => SubscriberTable.EraseAsync(conn, tx, store.Schema, sub, t));
            session.Record(store.Schema, user, new Audit.Entry("erase", "subscriber", sub, "resident asked to be erased",
                new { subjects = subjects.Count, tables = new[] { "subscribers", "inbox_messages", "deliveries", "fatigue" } }));
            try
            {
                await session.SaveChangesAsync(ct);
                return TypedResults.NoContent();
            }
            catch (ConcurrencyException) when (ifMatch is null && attempt < Attempts)
            {
            }
        }
    }
}
