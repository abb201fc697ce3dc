using System.Globalization;

namespace Engagement.EventStore;

/// <summary>
/// A place in the global order. Readers order by transaction id first, then sequence, because sequence numbers are
/// taken at insert and commit out of order; see <see cref="EventReader"/>.
/// </summary>
public readonly record struct Position(ulong TxId, long Seq) : IComparable<Position>
{
    public static Position Start { get; } = new(0, 0);

    public int CompareTo(Position other)
    {
        var c = TxId.CompareTo(other.TxId);
        return c != 0 ? c : Seq.CompareTo(other.Seq);
    }

    public static bool operator <(Position a, Position b) => a.CompareTo(b) < 0;
    public static bool operator >(Position a, Position b) => a.CompareTo(b) > 0;
    public static bool operator <=(Position a, Position b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Position a, Position b) => a.CompareTo(b) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{TxId}/{Seq}");
}

/// <summary>Who and what caused an event: correlation, causation, the acting user and the W3C trace parent.</summary>
public sealed record EventMetadata(
    string? CorrelationId = null,
    string? CausationId = null,
    string? UserId = null,
    string? TraceParent = null);

/// <summary>An event as read back: its place in its stream and in the global order, and the deserialised data.</summary>
public sealed record StoredEvent(
    Guid Id,
    string StreamId,
    long Version,
    Position Position,
    string Alias,
    object Data,
    EventMetadata Metadata,
    DateTimeOffset Timestamp);
