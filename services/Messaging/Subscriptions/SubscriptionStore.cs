using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;

namespace Engagement.Messaging.Subscriptions;

/// <summary>A subscription before and after a decision, and the events that made the difference.</summary>
public sealed record SubscriptionChange(ResidentSubscription Before, ResidentSubscription After, IReadOnlyList<object> Events)
{
    public bool Created => !Before.Exists && After.Exists;
}

/// <summary>
/// Loads a subscription and saves a decision about it through the one command path: the events, the inline snapshot,
/// the targeting row and the audit entry in one transaction. Without If-Match a change that lost a race is decided
/// again against what won (a link followed while the resident saves, say); with If-Match it is the caller's to
/// resolve (412).
/// </summary>
public static class SubscriptionStore
{
    /// <summary>The subscription as it stands: the live one, what an erasure left, or a fresh one (generation 1).</summary>
    public static async Task<ResidentSubscription> LoadAsync(IQuerySession session, string subscriberId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await session.LoadAsync<ResidentSubscription>(ResidentSubscription.StreamId(subscriberId), ct)
               ?? ResidentSubscription.Fresh(subscriberId, 1, 0);
    }

    /// <summary>
    /// Load, decide, append: <paramref name="decide"/> sees the subscription as it is (a fresh one for a resident with
    /// no stream yet), and <paramref name="alsoSave"/> adds work for the same transaction given the change.
    /// </summary>
    public static async Task<SubscriptionChange> RunAsync(
        IDocumentStore store, string subscriberId, long? ifMatch, Func<ResidentSubscription, IReadOnlyList<object>> decide,
        Func<IDocumentSession, SubscriptionChange, CancellationToken, Task> alsoSave, string user, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(decide);
        ArgumentNullException.ThrowIfNull(alsoSave);
        var before = ResidentSubscription.Fresh(subscriberId, 1, 0);
        IReadOnlyList<object> events = [];
        var result = await CommandPath.HandleAsync<ResidentSubscription>(store, ResidentSubscription.StreamId(subscriberId), ifMatch,
            (s, version) =>
            {
                // A stream that does not exist yet folds to the initial state, which does not know whose it is.
                before = s.SubscriberId.Length == 0 ? ResidentSubscription.Fresh(subscriberId, 1, version) : s with { Version = version };
                events = decide(before);
                return events;
            },
            (session, after, t) => alsoSave(session, new SubscriptionChange(before, Stamped(after, before, events, now), events), t), user, ct);
        return new SubscriptionChange(before, Stamped(result.State, before, events, now), result.Events);
    }

    private static ResidentSubscription Stamped(ResidentSubscription after, ResidentSubscription before, IReadOnlyList<object> events, DateTimeOffset now) =>
        events.Count == 0 ? before : after with { Id = before.Id, SubscriberId = before.SubscriberId, Version = before.Version + events.Count, Updated = now };

    /// <summary>A change to what the resident told us: the targeting row follows it, and it is audited, in its transaction.</summary>
    public static Task<SubscriptionChange> ChangeAsync(
        IDocumentStore store, EventStoreSettings settings, string subscriberId, long? ifMatch, Func<ResidentSubscription, IReadOnlyList<object>> decide,
        Func<SubscriptionChange, Audit.Entry> audit, ClaimsPrincipal actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(audit);
        return RunAsync(store, subscriberId, ifMatch, decide, async (session, change, t) =>
        {
            await SubscriberTable.UpsertAsync(await session.ConnectionInTransactionAsync(t), settings.Schema, change.After, now, t);
            await session.AuditAsync(settings, actor, audit(change), t);
        }, actor.SubjectId(), now, ct);
    }

    /// <summary>
    /// Someone acting through a signed link: the subscriber it was issued to, as far as the audit log is concerned.
    /// </summary>
    public static ClaimsPrincipal ViaLink(string subscriberId) =>
        new(new ClaimsIdentity([new Claim("sub", subscriberId), new Claim("role", Roles.Resident)], "signed-link"));
}
