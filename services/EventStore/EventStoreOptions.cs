using System.Text.RegularExpressions;

namespace Engagement.EventStore;

public sealed partial class EventStoreOptions
{
    public required string ConnectionString { get; set; }

    /// <summary>The PostgreSQL schema that holds this store's tables; one per service (or per test class).</summary>
    public string Schema { get; set; } = "event_store";

    /// <summary>
    /// A session left idle inside a transaction is ended after this long. Readers cannot pass a transaction that is
    /// still open, so one stuck session would otherwise stall every subscriber indefinitely.
    /// </summary>
    public TimeSpan IdleInTransactionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an idle subscription polls for new events.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often a standby runner tries to take the lock.</summary>
    public TimeSpan StandbyInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 1000;

    public EventTypes Types { get; } = new();

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    internal static partial Regex SchemaShape();
}
