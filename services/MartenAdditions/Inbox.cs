using Marten;

namespace Engagement.MartenAdditions;

/// <summary>What an idempotent consumer has already handled: one document per (consumer, message id).</summary>
public sealed class InboxEntry
{
    public string Id { get; set; } = "";
    public DateTimeOffset HandledAt { get; set; }

    public static string IdFor(string consumer, Guid messageId) => $"{consumer}/{messageId}";
}

public static class Inbox
{
    /// <summary>
    /// Runs a consumer's effect once per message: the inbox entry is inserted in the same session as the effect, so
    /// both commit or neither does. A message already seen is skipped; two concurrent deliveries race on the entry's
    /// primary key and the loser's effect rolls back with it. Returns false for a duplicate.
    /// </summary>
    public static async Task<bool> HandleOnceAsync(this IDocumentStore store, Guid messageId, string consumer, Func<IDocumentSession, Task> effect, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(effect);
        var id = InboxEntry.IdFor(consumer, messageId);
        using var scope = PersonalDataScope.Begin();
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<InboxEntry>(id, ct) is not null)
        {
            return false;
        }

        session.Insert(new InboxEntry { Id = id, HandledAt = DateTimeOffset.UtcNow });
        await effect(session);
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception)
        {
            // A concurrent delivery of the same message may have committed first. Its effect can collide with ours
            // anywhere in the batch (a stream both start, a document both insert) before the inbox row itself is
            // reached, so the question is not which statement failed but whether the message has been handled.
            if (await HandledMeanwhileAsync(store, id, ct))
            {
                return false;
            }

            throw;
        }
    }

    private static async Task<bool> HandledMeanwhileAsync(IDocumentStore store, string id, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<InboxEntry>(id, ct) is not null;
    }
}
