using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Npgsql;

namespace Engagement.Messaging;

/// <summary>Plain SQL that must commit with a session's events and documents, or roll back with them.</summary>
public static class Sessions
{
    /// <summary>
    /// The session's own connection, inside the transaction its SaveChanges commits: plain tables written on it (the
    /// targeting rows, batches, inbox rows, audit entries) never disagree with the events that caused them.
    /// </summary>
    public static async Task<NpgsqlConnection> ConnectionInTransactionAsync(this IDocumentSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        await session.BeginTransactionAsync(ct);
        return session.Connection ?? throw new InvalidOperationException("The session has no open connection after beginning its transaction.");
    }

    /// <summary>Records a collection, change or erasure of personal data in the transaction that makes it (DPA 2018 s62).</summary>
    public static async Task AuditAsync(this IDocumentSession session, EventStoreSettings settings, ClaimsPrincipal? actor, Audit.Entry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var conn = await session.ConnectionInTransactionAsync(ct);
        await Audit.RecordAsync(conn, null, settings.Schema, actor, entry, ct);
    }

    /// <summary>Records a consultation or disclosure (a read) in its own transaction, before the data is shown.</summary>
    public static async Task ConsultedAsync(this EventStoreSettings settings, ClaimsPrincipal? actor, Audit.Entry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await Audit.RecordAsync(conn, null, settings.Schema, actor, entry, ct);
    }
}
