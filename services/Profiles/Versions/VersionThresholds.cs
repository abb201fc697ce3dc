namespace Engagement.Profiles.Versions;

/// <summary>
/// What counts as a change worth telling when a profile is published (<c>Profiles:Versions</c>). Configuration, not
/// code, because analysts tune it; every diff stores the values it was judged by.
/// </summary>
public sealed record VersionThresholds
{
    /// <summary>A group has grown when its count rose by at least this share of what it was...</summary>
    public decimal GrowthPercent { get; init; } = 10m;

    /// <summary>...and by at least this many people, so that a rise from 3 to 4 is not news.</summary>
    public long MinGrowthCount { get; init; } = 20;

    /// <summary>Shares of the population (percent) whose crossing, either way, is reported.</summary>
    public IReadOnlyList<decimal> SharePercents { get; init; } = [1m, 5m, 10m];

    public bool IsValid => GrowthPercent > 0 && MinGrowthCount >= 0 && SharePercents.Count > 0 && SharePercents.All(p => p is > 0 and < 100);
}
