using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;

namespace Engagement.Surgeries;

/// <summary>Loading a surgery for a decision: the inline snapshot, which is never behind the stream.</summary>
public static class SurgeryLoader
{
    public static async Task<SurgeryDocument> LoadAsync(EventStore.EventStore store, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var doc = await store.LoadAsync<SurgeryDocument>(id.ToString(), ct);
        return doc is { State.Exists: true } ? doc : throw new NotFoundException("Surgery", id.ToString());
    }

    /// <summary>
    /// Runs load, decide and append, retrying when another writer got in first (409 is only for a caller's own stale
    /// If-Match, which is not retried).
    /// </summary>
    public static async Task<T> RetryOnConflictAsync<T>(Func<Task<T>> attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (var i = 0; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (EventStore.ConcurrencyException e) when (e.VersionSource == EventStore.VersionSource.Internal && i < 20)
            {
                await Task.Delay(Random.Shared.Next(1, 5 + (i * 5)));
            }
        }
    }
}
