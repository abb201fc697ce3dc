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
    public static async Task<NpgsqlConnection> ConnectionInTransactionAsync(this IDocumentSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        await session.BeginTransactionAsync(ct);
        return session.Connection ?? throw new InvalidOperationException("The session has no open connection after beginning its transaction.");
    }
}
