using System.Globalization;

namespace Engagement.EventStore.Benchmarks;

/// <summary>A realistic small event (about 250 bytes of JSON), with no personal fields.</summary>
public sealed record AttendeeBooked(
    Guid BookingId, Guid SurgeryId, string AreaCode, string Channel, int Seats, DateTimeOffset BookedAt, string? Note);

/// <summary>An event with personal fields: appending it reads (and may create) its subject's key first.</summary>
public sealed record ResidentRegistered(
    string ResidentId, string AreaCode, [property: PersonalData] string Name, [property: PersonalData] string Phone) : IHasPersonalData
{
    public string DataSubjectId => ResidentId;
}

/// <summary>A read model document: events and seats counted for a stream or a group of streams.</summary>
public abstract record Counter(string Id, long Count, long Seats, long LastVersion, DateTimeOffset LastAt);

// One document type per projection variant (the store keys documents by type name), so their counts stay apart.
public sealed record StreamCounter(string Id, long Count, long Seats, long LastVersion, DateTimeOffset LastAt) : Counter(Id, Count, Seats, LastVersion, LastAt);

public sealed record GroupCounter(string Id, long Count, long Seats, long LastVersion, DateTimeOffset LastAt) : Counter(Id, Count, Seats, LastVersion, LastAt);

public sealed record FetchedStreamCounter(string Id, long Count, long Seats, long LastVersion, DateTimeOffset LastAt) : Counter(Id, Count, Seats, LastVersion, LastAt);

public enum CounterKind
{
    /// <summary>One document per 100 streams: about one load per batch.</summary>
    PerGroup,

    /// <summary>One document per stream, loaded one by one through <see cref="ProjectionContext.LoadAsync{T}"/>.</summary>
    PerStream,

    /// <summary>
    /// What-if: as <see cref="PerStream"/>, but the batch's documents are fetched in one query (what a LoadManyAsync on
    /// <see cref="ProjectionContext"/> would do; the store has no such method yet).
    /// </summary>
    PerStreamPrefetched,
}

/// <summary>
/// Counts events and seats per stream or per group of 100 streams, through <see cref="ProjectionContext.LoadAsync{T}"/>
/// and <see cref="ProjectionContext.Store{T}"/> as a real read model would.
/// </summary>
public sealed class CounterProjection(string name, CounterKind kind) : IProjection
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = Serializer.CreateOptions();

    public string Name => name;

    public IReadOnlyList<Type> DocumentTypes => kind switch
    {
        CounterKind.PerGroup => [typeof(GroupCounter)],
        CounterKind.PerStream => [typeof(StreamCounter)],
        _ => [typeof(FetchedStreamCounter)],
    };

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct) => kind switch
    {
        CounterKind.PerGroup => ApplyAsync(context, events, e => Workload.GroupOf(e.StreamId), id => new GroupCounter(id, 0, 0, 0, default), null, ct),
        CounterKind.PerStream => ApplyAsync(context, events, e => e.StreamId, id => new StreamCounter(id, 0, 0, 0, default), null, ct),
        _ => ApplyPrefetchedAsync(context, events, ct),
    };

    private static async Task ApplyPrefetchedAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var ids = events.Select(e => e.StreamId).Distinct(StringComparer.Ordinal).ToArray();
        var docs = new Dictionary<string, FetchedStreamCounter>(StringComparer.Ordinal);
        await using (var cmd = new Npgsql.NpgsqlCommand(
            $"select id, data from {context.Schema}.documents where type = @t and id = any(@ids)", context.Connection, context.Transaction))
        {
            cmd.Parameters.AddWithValue("t", nameof(FetchedStreamCounter));
            cmd.Parameters.AddWithValue("ids", ids);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                docs[r.GetString(0)] = System.Text.Json.JsonSerializer.Deserialize<FetchedStreamCounter>(r.GetString(1), Json)!;
            }
        }

        await ApplyAsync(context, events, e => e.StreamId, id => new FetchedStreamCounter(id, 0, 0, 0, default), docs, ct);
    }

    private static async Task ApplyAsync<T>(
        ProjectionContext context, IReadOnlyList<StoredEvent> events, Func<StoredEvent, string> key, Func<string, T> create,
        Dictionary<string, T>? prefetched, CancellationToken ct)
        where T : Counter
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            var id = key(e);
            var doc = prefetched is null
                ? await context.LoadAsync<T>(id, ct) ?? create(id)
                : prefetched.GetValueOrDefault(id) ?? create(id);
            var seats = e.Data is AttendeeBooked b ? b.Seats : 0;
            var next = (T)(doc with { Count = doc.Count + 1, Seats = doc.Seats + seats, LastVersion = e.Version, LastAt = e.Timestamp });
            if (prefetched is not null)
            {
                prefetched[id] = next;
            }

            context.Store(id, next);
        }
    }
}

public static class Workload
{
    private static readonly string[] Areas = ["north-1", "north-2", "east-1", "south-3", "west-2"];
    private static readonly string[] Channels = ["sms", "email", "web", "phone"];

    public static AttendeeBooked Event(int i) => new(
        Guid.CreateVersion7(), Guid.CreateVersion7(), Areas[i % Areas.Length], Channels[i % Channels.Length], 1 + (i % 3),
        DateTimeOffset.UtcNow, i % 4 == 0 ? "Needs step-free access to the venue." : null);

    public static object[] Events(int count) => Enumerable.Range(0, count).Select(i => (object)Event(i)).ToArray();

    /// <summary>Preload stream ids are <c>p{run}-{group}-{index}</c>; a group is the 100 streams of one session.</summary>
    public static string PreloadStream(int run, int group, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"p{run}-{group:D5}-{index:D3}");

    public static string GroupOf(string streamId) => streamId[..streamId.LastIndexOf('-')];
}

/// <summary>One measured line of a run: ours, the physical reference (if any) and the target it is judged against.</summary>
public sealed record Row(string Key, string Label, string Unit, double Ours, double? Reference, double? TargetRatio, double? TargetAbsolute)
{
    public double? Ratio => Reference is > 0 ? Ours / Reference : null;
}

public sealed class RunResult
{
    public List<Row> Rows { get; } = [];
    public List<string> Notes { get; } = [];
    public Dictionary<string, double> Context { get; } = new(StringComparer.Ordinal);
}

public static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0)
        {
            return double.NaN;
        }

        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string F(double v, string format = "N0") => v.ToString(format, CultureInfo.InvariantCulture);
}
