namespace Engagement.Profiles.Emerging;

/// <summary>
/// The thresholds of the emerging-community rule (<c>Profiles:Emerging</c>). Versioned: every decision stores the
/// version and the numbers it used, so a finding made under old thresholds can still be explained.
/// </summary>
public sealed record EmergingThresholds
{
    public string Version { get; init; } = "2026-11";

    /// <summary>A source signals only when its latest count reaches this...</summary>
    public long MinCount { get; init; } = 20;

    /// <summary>...and it grew by at least this much against its baseline (the source's previous period).</summary>
    public decimal GrowthPercent { get; init; } = 50m;

    /// <summary>Two independent sources must signal within this many months of each other.</summary>
    public int WindowMonths { get; init; } = 12;

    public bool IsValid => Version.Length > 0 && MinCount > 0 && GrowthPercent > 0 && WindowMonths > 0;
}

/// <summary>One row of a flow file, attributed to an area (a local-authority row counts for each of its areas).</summary>
public sealed record FlowObservation(DateOnly PeriodStart, DateOnly PeriodEnd, string AreaCode, string Dimension, string Value, long Count, string Source);

/// <summary>A source's latest period against its baseline, and whether that is a signal.</summary>
public sealed record SourceSignal(string Source, DateOnly PeriodEnd, long Count, long? Baseline, decimal? GrowthPercent, bool Signals);

/// <summary>A candidate: two or more independent sources signalling within the window, with the numbers they used.</summary>
public sealed record Finding(string AreaCode, string Dimension, string Value, IReadOnlyList<SourceSignal> Evidence, EmergingThresholds Thresholds);

/// <summary>
/// The rule, per area, dimension and value. A source signals when its latest count reaches the minimum, its growth
/// against the baseline reaches the threshold, and the value is not already a named community there. A candidate is
/// identified when two independent sources signal within the window. No single source is trusted on its own.
/// </summary>
public static class EmergingRule
{
    public static SourceSignal Signal(IReadOnlyList<FlowObservation> periods, EmergingThresholds t)
    {
        ArgumentNullException.ThrowIfNull(periods);
        ArgumentNullException.ThrowIfNull(t);
        var ordered = periods.OrderBy(p => p.PeriodEnd).ToList();
        var latest = ordered[^1];
        // A first appearance has no baseline; it grew from nothing, which is what an emerging community looks like.
        long? baseline = ordered.Count > 1 ? ordered[^2].Count : null;
        decimal? growth = baseline is > 0 ? Math.Round((latest.Count - baseline.Value) * 100m / baseline.Value, 1) : null;
        var grew = baseline is null or 0 || growth >= t.GrowthPercent;
        return new SourceSignal(latest.Source, latest.PeriodEnd, latest.Count, baseline, growth, latest.Count >= t.MinCount && grew);
    }

    public static IReadOnlyList<Finding> Evaluate(IEnumerable<FlowObservation> observations, Func<string, string, bool> isNamedCommunity, EmergingThresholds t)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(isNamedCommunity);
        var findings = new List<Finding>();
        foreach (var key in observations.GroupBy(o => (o.AreaCode, o.Dimension, Value: o.Value.ToLowerInvariant())))
        {
            var first = key.First();
            if (isNamedCommunity(first.AreaCode, first.Value))
            {
                continue;
            }

            var signals = key.GroupBy(o => o.Source, StringComparer.OrdinalIgnoreCase).Select(s => Signal(s.ToList(), t)).ToList();
            var signalling = signals.Where(s => s.Signals).OrderByDescending(s => s.PeriodEnd).ToList();
            // Independent sources whose signals fall within the window of the latest one.
            if (signalling.Count >= 2 && signalling.Count(s => s.PeriodEnd > signalling[0].PeriodEnd.AddMonths(-t.WindowMonths)) >= 2)
            {
                findings.Add(new Finding(first.AreaCode, first.Dimension, first.Value, signals, t));
            }
        }

        return findings;
    }
}
