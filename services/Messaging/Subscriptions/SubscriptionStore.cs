using System.Security.Claims;
using Engagement.EventStore;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Subscriptions;

/// <summary>A subscription before and after a decision, and the events that made the difference.</summary>
public sealed record SubscriptionChange(ResidentSubscription Before, ResidentSubscription After, IReadOnlyList<object> Events)
{
    public bool Created => !Before.Exists && After.Exists;
}

/// <summary>
/// Loads a subscription and saves a decision about it: the events, the document, the targeting row and the audit entry
/// in one transaction. Without If-Match a change that lost a race is decided again against what won (a link followed
/// while the resident saves, say); with If-Match it is the caller's to resolve (412).
/// </summary>
public static class SubscriptionStore
{
    private const int Attempts = 3;

    /// <summary>The live subscription, or a fresh one: generation 1, or the next generation after an erasure.</summary>
    public static async Task<(ResidentSubscription State, bool Erased)> LoadAsync(EventStore.EventStore store, string subscriberId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.LoadAsync<ResidentSubscription>(subscriberId, ct) is { } live)
        {
            return (live, false);
        }

        return await store.LoadAsync<ErasedResidentSubscription>(subscriberId, ct) is { } erased
            ? (ResidentSubscription.Fresh(subscriberId, erased.Generation + 1, erased.Version), true)
            : (ResidentSubscription.Fresh(subscriberId, 1, 0), false);
    }

    public static async Task<SubscriptionChange> ChangeAsync(
        EventStore.EventStore store, string subscriberId, ExpectedVersion? ifMatch, Func<ResidentSubscription, IReadOnlyList<object>> decide,
        Func<SubscriptionChange, Audit.Entry> audit, ClaimsPrincipal actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(decide);
        ArgumentNullException.ThrowIfNull(audit);
        for (var attempt = 1; ; attempt++)
        {
            var (before, erased) = await LoadAsync(store, subscriberId, ct);
            if (ifMatch is { } expected && expected.Value != before.Version)
            {
                throw new ConcurrencyException(ResidentSubscription.StreamId(subscriberId), expected.Value ?? 0, before.Version, VersionSource.IfMatch);
            }

            var events = decide(before);
            if (events.Count == 0)
            {
                return new SubscriptionChange(before, before, events);
            }

            var after = events.Aggregate(before, (s, e) => s.Apply(e)) with { Version = before.Version + events.Count, Updated = now };
            var change = new SubscriptionChange(before, after, events);
            await using var session = store.OpenSession(new EventMetadata(UserId: actor.SubjectId()));
            session.Append(ResidentSubscription.StreamId(subscriberId), ResidentSubscription.StreamType, ifMatch ?? ExpectedVersion.Exactly(before.Version), events);
            session.Store(subscriberId, after);
            if (erased)
            {
                session.Delete<ErasedResidentSubscription>(subscriberId);
            }

            session.Execute((conn, tx, t) => SubscriberTable.UpsertAsync(conn, tx, store.Schema, after, now, t));
            session.Record(store.Schema, actor, audit(change));
            try
            {
                await session.SaveChangesAsync(ct);
                return change;
            }
            catch (ConcurrencyException) when (ifMatch is null && attempt < Attempts)
            {
            }
        }
    }

    /// <summary>
    /// Someone acting through a signed link: the subscriber it was issued to, as far as the audit log is concerned.
    /// </summary>
    public static ClaimsPrincipal ViaLink(string subscriberId) =>
        new(new ClaimsIdentity([new Claim("sub", subscriberId), new Claim("role", Roles.Resident)], "signed-link"));
}
