namespace Engagement.MartenAdditions;

/// <summary>The caller's <c>If-Match</c> named a version the stream has moved past: HTTP 412, never retried.</summary>
public sealed class StaleVersionException(string streamId, long expected, long actual)
    : Exception($"Stream '{streamId}' was expected at version {expected} but is at version {actual}.")
{
    public string StreamId { get; } = streamId;
    public long Expected { get; } = expected;
    public long Actual { get; } = actual;
}

/// <summary>Concurrent writers kept winning until the retry budget ran out: HTTP 409.</summary>
public sealed class WriteConflictException(string streamId, Exception inner)
    : Exception($"Stream '{streamId}' kept changing under concurrent writes; try again.", inner)
{
    public string StreamId { get; } = streamId;
}

/// <summary>Personal data was to be written for a subject whose data has been erased; their key is gone for good.</summary>
public sealed class SubjectErasedException(string subject)
    : Exception($"The personal data of '{subject}' has been erased; nothing more can be recorded under that subject.")
{
    public string Subject { get; } = subject;
}
