using System.Globalization;

namespace Engagement.MartenAdditions.Benchmarks;

/// <summary>A realistic small event (about 250 bytes of JSON), with no personal fields.</summary>
public sealed record AttendeeBooked(
    Guid BookingId, Guid SurgeryId, string AreaCode, string Channel, int Seats, DateTimeOffset BookedAt, string? Note);

/// <summary>The read model the async daemon builds: events and seats per stream, folded by <see cref="DeciderProjection{T}"/>.</summary>
public sealed record BookingTally(string Id, long Count, long Seats, long Version) : IAggregate<BookingTally>, IStamped<BookingTally>
{
    public static BookingTally Initial { get; } = new("", 0, 0, 0);

    public BookingTally Evolve(object @event) =>
        @event is AttendeeBooked b ? this with { Count = Count + 1, Seats = Seats + b.Seats } : this;

    public BookingTally Stamp(string streamKey, long version) => this with { Id = streamKey, Version = version };
}

public static class Workload
{
    private static readonly string[] Areas = ["north-1", "north-2", "east-1", "south-3", "west-2"];
    private static readonly string[] Channels = ["sms", "email", "web", "phone"];

    public static AttendeeBooked Event(int i) => new(
        Guid.CreateVersion7(), Guid.CreateVersion7(), Areas[i % Areas.Length], Channels[i % Channels.Length], 1 + (i % 3),
        DateTimeOffset.UtcNow, i % 4 == 0 ? "Needs step-free access to the venue." : null);

    public static AttendeeBooked[] Events(int count) => Enumerable.Range(0, count).Select(Event).ToArray();

    public static long Seats(int count) => Enumerable.Range(0, count).Sum(i => 1L + (i % 3));

    /// <summary>Preload stream ids are <c>p{run}-{group}-{index}</c>; a group is the streams one session writes.</summary>
    public static string PreloadStream(int run, int group, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"p{run}-{group:D5}-{index:D3}");
}

/// <summary>One measured line of a run: ours, the physical reference (if any) and the target it is judged against.</summary>
public sealed record Row(string Key, string Label, string Unit, double Ours, double? Reference, double? TargetRatio)
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
