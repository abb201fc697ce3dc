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
    /// Marten's SaveChanges returns without committing when the session holds no event, document or queued command, and
    /// the transaction then rolls back when the session is disposed: plain SQL alone would be silently lost. A queued
    /// no-op command gives SaveChanges its unit of work, so it always commits what was written here.
    /// </remarks>
    public static async Task<NpgsqlConnection> ConnectionInTransactionAsync(this IDocumentSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        await session.BeginTransactionAsync(ct);
        session.QueueSqlCommand("select 1");
        return session.Connection ?? throw new InvalidOperationException("The session has no open connection after beginning its transaction.");
    }
}
