namespace Engagement.EventStore;

/// <summary>Where an expected version came from, so HTTP can answer 412 (stale If-Match) rather than 409.</summary>
public enum VersionSource
{
    Internal,
    IfMatch,
}

/// <summary>The stream was not at the version the caller expected: somebody else wrote first.</summary>
public sealed class ConcurrencyException(string streamId, long expected, long? actual, VersionSource source)
    : Exception(actual is null
        ? $"Stream '{streamId}' was expected at version {expected} but does not exist."
        : $"Stream '{streamId}' was expected at version {expected} but is at version {actual}.")
{
    public string StreamId { get; } = streamId;
    public long Expected { get; } = expected;
    public long? Actual { get; } = actual;
    public VersionSource VersionSource { get; } = source;
}

/// <summary>An event alias in the store that no type is registered for, and no upcaster handles.</summary>
public sealed class UnknownEventTypeException(string alias)
    : Exception($"No event type is registered for the alias '{alias}'. Register it with EventTypes.Register<T>(\"{alias}\") or add an upcaster.")
{
    public string Alias { get; } = alias;
}

/// <summary>Personal data was to be written for a subject whose data has been erased; their key is gone for good.</summary>
public sealed class SubjectErasedException(string subject)
    : Exception($"The personal data of '{subject}' has been erased; nothing more can be recorded under that subject.")
{
    public string Subject { get; } = subject;
}
