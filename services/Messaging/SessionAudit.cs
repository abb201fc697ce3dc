using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;

namespace Engagement.Messaging;

/// <summary>Audit entries written with a session's transaction, or on their own for reads.</summary>
public static class SessionAudit
{
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
