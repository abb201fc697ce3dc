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

    internal List<(string Component, string[] Steps)> ComponentMigrations { get; } = [];

    /// <summary>
    /// Tables a service owns beside the store's (read models, constraints). Steps are numbered by position, applied
    /// once each, in order, with the store's; <c>{schema}</c> in a step is replaced by the store's schema.
    /// </summary>
    public EventStoreOptions AddMigrations(string component, params string[] steps)
    {
        ComponentMigrations.Add((component, steps));
        return this;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    internal static partial Regex SchemaShape();
}
