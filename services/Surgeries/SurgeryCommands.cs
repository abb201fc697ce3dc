using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Marten;

namespace Engagement.Surgeries;

/// <summary>Reading a surgery, and the one command path every change to an existing surgery goes through.</summary>
public static class SurgeryCommands
{
    /// <summary>The surgery as it is now: the inline snapshot, which is never behind its stream.</summary>
    public static async Task<SurgeryDocument> LoadAsync(IQuerySession session, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await session.LoadAsync<SurgeryDocument>(Surgery.StreamId(id), ct) is { State.Exists: true } doc
            ? doc
            : throw new NotFoundException("Surgery", id.ToString());
    }

    /// <summary>
    /// Load, decide, append through <see cref="CommandPath"/>: <paramref name="decide"/> sees the surgery as it is (404
    /// when it was never scheduled), and is decided again from the winner's state after a concurrent write.
    /// </summary>
    public static async Task<CommandResult<SurgeryDocument>> HandleAsync(
        IDocumentStore store, Guid id, long? ifMatch, string user, Func<Surgery, IReadOnlyList<object>> decide,
        Func<IDocumentSession, Surgery, CancellationToken, Task>? alsoSave = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(decide);
        try
        {
            return await CommandPath.HandleAsync<SurgeryDocument>(store, Surgery.StreamId(id), ifMatch,
                (doc, _) => doc.State.Exists ? decide(doc.State) : throw new NotFoundException("Surgery", id.ToString()),
                alsoSave is null ? null : (session, doc, t) => alsoSave(session, doc.State, t), user, ct);
        }
        catch (StaleVersionException e) when (e.Actual == 0)
        {
            // If-Match named a version of a surgery that was never scheduled: it is missing, not stale.
            throw new NotFoundException("Surgery", id.ToString());
        }
    }
}
