using Marten;

namespace Engagement.Messaging.Subscriptions;

/// <summary>How to reach a resident, decrypted. <c>Email</c> is given even when unverified: check <c>EmailVerified</c>.</summary>
public sealed record SubscriberContact(string SubscriberId, string? Email, bool EmailVerified, string? Phone, string Language);

/// <summary>
/// Contact details for sending, read from the subscriptions' encrypted snapshots in one query. Erased or unknown
/// residents are simply absent. This is a consultation of personal data: the caller records it in the audit log
/// (one entry per alert or batch, with the count, is enough to say who read what, when and why).
/// </summary>
public static class SubscriberContacts
{
    public static async Task<IReadOnlyDictionary<string, SubscriberContact>> LoadAsync(IDocumentStore store, IReadOnlyCollection<string> subscriberIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(subscriberIds);
        var ids = subscriberIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return new Dictionary<string, SubscriberContact>(StringComparer.Ordinal);
        }

        await using var session = store.QuerySession();
        var docs = await session.LoadManyAsync<ResidentSubscription>(ct, ids.Select(ResidentSubscription.StreamId).ToList());
        return docs.Where(d => d.Exists).ToDictionary(
            d => d.SubscriberId,
            d => new SubscriberContact(d.SubscriberId, d.Email, d.EmailActive, d.Phone, d.Language ?? "en"),
            StringComparer.Ordinal);
    }
}
