using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Engagement.MartenAdditions;
using Marten;

namespace Engagement.Profiles.Versions;

/// <summary>A census group's count in an area when a version was published, e.g. TS021 <c>White: Roma</c>.</summary>
public sealed record GroupCount(string Table, string Category, long Count, decimal? Percentage);

/// <summary>What a version says in numbers: enough to compare the next version with, and nothing personal.</summary>
public sealed record ProfileCounts(long Population, long Households, IReadOnlyList<GroupCount> Groups, IReadOnlyList<string> NamedCommunities, IReadOnlyList<Guid> Datasets);

/// <param name="Direction">"up" or "down": the group's share of the population crossed the threshold that way.</param>
public sealed record ThresholdCrossed(string Table, string Category, decimal Threshold, string Direction, decimal? Before, decimal? After);

public sealed record GroupGrowth(string Table, string Category, long Before, long After);

/// <summary>The difference from the previous version, with the thresholds it was judged by, so a finding can be explained.</summary>
public sealed record ProfileDiff(
    IReadOnlyList<GroupCount> NewGroups, IReadOnlyList<GroupGrowth> GrownGroups, IReadOnlyList<ThresholdCrossed> ThresholdsCrossed,
    IReadOnlyList<string> NewCommunities, VersionThresholds Thresholds);

public sealed record ProfilePublished(string AreaCode, int Version, ProfileCounts Counts, ProfileDiff Diff, string PublishedBy, DateTimeOffset PublishedAt, string Reason);

public sealed record VersionSummary(int Version, ProfileCounts Counts, ProfileDiff Diff, string PublishedBy, DateTimeOffset PublishedAt, string Reason);

/// <summary>An area's published profile versions, one stream per area (<c>profile-{area}</c>).</summary>
public sealed record PublishedProfile(string AreaCode, ImmutableList<VersionSummary> Versions) : IAggregate<PublishedProfile>
{
    public static PublishedProfile Initial { get; } = new("", []);

    public static string StreamId(string areaCode) => $"profile-{areaCode}";

    [JsonIgnore]
    public VersionSummary? Latest => Versions.IsEmpty ? null : Versions[^1];

    public PublishedProfile Evolve(object @event) => @event switch
    {
        ProfilePublished e => this with
        {
            AreaCode = e.AreaCode, Versions = Versions.Add(new VersionSummary(e.Version, e.Counts, e.Diff, e.PublishedBy, e.PublishedAt, e.Reason)),
        },
        _ => this,
    };
}

public sealed record PublishedProfileDocument(string Id, PublishedProfile State, long Version) : IAggregate<PublishedProfileDocument>, IStamped<PublishedProfileDocument>
{
    public static PublishedProfileDocument Initial { get; } = new("", PublishedProfile.Initial, 0);

    public PublishedProfileDocument Evolve(object @event) => this with { State = State.Evolve(@event) };

    public PublishedProfileDocument Stamp(string streamKey, long version) => this with { Id = streamKey, Version = version };
}

public static class VersionEvents
{
    /// <summary>The aliases are what the event log stores; they outlive any rename of a type, so never change one.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<ProfilePublished>("profile_published");
        options.Schema.For<PublishedProfileDocument>().DocumentAlias("published_profile");
        var snapshot = new DeciderProjection<PublishedProfileDocument>();
        snapshot.IncludeType<ProfilePublished>();
        options.Projections.Add(snapshot, JasperFx.Events.Projections.ProjectionLifecycle.Inline);
    }
}
