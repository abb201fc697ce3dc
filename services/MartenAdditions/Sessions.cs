using Marten;
using Npgsql;

namespace Engagement.MartenAdditions;

public static class Sessions
{
    /// <summary>
    /// The session's own connection, inside the transaction its SaveChanges commits: plain SQL run on it (targeting
    /// rows, officer slots, audit entries, bulk figures) commits with the session's events and documents, or rolls back
    /// with them.
    /// </summary>
    /// <remarks>
    /// Marten's SaveChanges commits only when the session holds an event, a document or a queued operation: with none,
    /// it returns without committing and the transaction rolls back when the session is disposed, taking plain SQL
    /// written here with it. A use case that writes only plain SQL must give the session something to save (an event
    /// that records the decision, as the flow import does). A queued <c>select</c> is no answer: its result set
    /// misaligns the results Marten reads back from the batch.
    /// </remarks>
    public static async Task<NpgsqlConnection> ConnectionInTransactionAsync(this IDocumentSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        await session.BeginTransactionAsync(ct);
        return session.Connection ?? throw new InvalidOperationException("The session has no open connection after beginning its transaction.");
    }
}
