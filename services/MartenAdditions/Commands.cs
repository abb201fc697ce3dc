using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Marten.Exceptions;

namespace Engagement.MartenAdditions;

/// <summary>
/// State rebuilt from a stream: an immutable record with an initial value and a pure fold. The method is called Evolve,
/// not Apply, because Marten treats a method named Apply on an aggregate as a conventional projection method.
/// </summary>
public interface IAggregate<TSelf> where TSelf : IAggregate<TSelf>
{
    static abstract TSelf Initial { get; }
    TSelf Evolve(object @event);
}

/// <summary>
/// A snapshot document that carries its stream key and version (for listings and ETags), stamped after every event.
/// </summary>
public interface IStamped<TSelf>
{
    TSelf Stamp(string streamKey, long version);
}

/// <summary>
/// Folds a stream into <typeparamref name="T"/> through its own pure <see cref="IAggregate{TSelf}.Evolve"/>. Registered
/// inline, it keeps a snapshot document per stream that FetchForWriting reads instead of replaying the stream.
/// </summary>
public sealed class DeciderProjection<T> : SingleStreamProjection<T, string> where T : class, IAggregate<T>
{
    public override T? Evolve(T? snapshot, string id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var next = (snapshot ?? T.Initial).Evolve(e.Data);
        return next is IStamped<T> stamped ? stamped.Stamp(id, e.Version) : next;
    }
}

/// <summary>What a decision saw and produced: the state after its events, the stream's new version, and the events.</summary>
public sealed record CommandResult<T>(T State, long Version, IReadOnlyList<object> Events);

/// <summary>
/// The one command path: load (Marten's FetchForWriting), decide (a pure function of the state), append with the
/// expected version, save. Concurrent writers that got in first are retried with one jittered budget, against the state
/// they left. A stale If-Match is never retried: the caller decided on a version that no longer exists (412).
/// </summary>
public static class CommandPath
{
    public const int Attempts = 6;

    /// <param name="ifMatch">The version the caller saw (If-Match); null to decide against whatever is current.</param>
    /// <param name="decide">Given the current state (T.Initial for a new stream) and its version, the events to append.</param>
    /// <param name="alsoSave">More work for the same transaction (documents, SQL), given the state after the events.</param>
    public static async Task<CommandResult<T>> HandleAsync<T>(
        IDocumentStore store, string streamId, long? ifMatch, Func<T, long, IReadOnlyList<object>> decide,
        Func<IDocumentSession, T, CancellationToken, Task>? alsoSave = null, string? user = null, CancellationToken ct = default)
        where T : class, IAggregate<T>
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(decide);
        for (var attempt = 1; ; attempt++)
        {
            using var scope = PersonalDataScope.Begin();
            await using var session = OpenSession(store, user);
            try
            {
                var stream = ifMatch is { } expected
                    ? await session.Events.FetchForWriting<T>(streamId, expected, ct)
                    : await session.Events.FetchForWriting<T>(streamId, ct);
                var state = stream.Aggregate ?? T.Initial;
                var version = stream.CurrentVersion ?? 0;
                var events = decide(state, version);
                foreach (var e in events)
                {
                    state = state.Evolve(e);
                }

                if (events.Count == 0)
                {
                    return new CommandResult<T>(state, version, events);
                }

                stream.AppendMany(events);
                if (alsoSave is not null)
                {
                    await alsoSave(session, state, ct);
                }

                await session.SaveChangesAsync(ct);
                return new CommandResult<T>(state, version + events.Count, events);
            }
            catch (Exception e) when (IsConflict(e))
            {
                if (ifMatch is { } stale)
                {
                    var actual = (await store.QuerySession().Events.FetchStreamStateAsync(streamId, ct))?.Version ?? 0;
                    throw new StaleVersionException(streamId, stale, actual);
                }

                if (attempt >= Attempts)
                {
                    throw new WriteConflictException(streamId, e);
                }

                await Task.Delay(Backoff(attempt), ct);
            }
        }
    }

    /// <summary>
    /// Saves a session the caller built itself (several streams, documents, SQL) with the same retry budget: the whole
    /// unit of work, from <paramref name="build"/> on, is run again after a concurrent writer got in first.
    /// </summary>
    public static async Task<TResult> RunAsync<TResult>(IDocumentStore store, Func<IDocumentSession, CancellationToken, Task<TResult>> build, string? user = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(build);
        for (var attempt = 1; ; attempt++)
        {
            using var scope = PersonalDataScope.Begin();
            await using var session = OpenSession(store, user);
            try
            {
                var result = await build(session, ct);
                await session.SaveChangesAsync(ct);
                return result;
            }
            catch (Exception e) when (IsConflict(e) && attempt < Attempts)
            {
                await Task.Delay(Backoff(attempt), ct);
            }
        }
    }

    /// <summary>A session for one attempt: it names the user on its events and carries the request's trace to the relay.</summary>
    private static IDocumentSession OpenSession(IDocumentStore store, string? user)
    {
        var session = store.LightweightSession();
        Relay.StampTrace(session);
        session.LastModifiedBy = user;
        return session;
    }

    /// <summary>A write that lost to a concurrent one: another append, another creator, or another new subject key.</summary>
    public static bool IsConflict(Exception e) => e is ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
        or JasperFx.Events.EventStreamUnexpectedMaxEventIdException
        || (e is DocumentAlreadyExistsException d && d.DocType == typeof(SubjectKey))
        || (e is MartenCommandException { InnerException: Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } pg }
            && pg.TableName?.StartsWith("mt_", StringComparison.Ordinal) == true);

    // Full jitter over a doubling ceiling: concurrent losers spread out instead of colliding again in step.
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * (1 << Math.Min(attempt, 6))));
}
