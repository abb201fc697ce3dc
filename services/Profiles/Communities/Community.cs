using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Engagement.MartenAdditions;
using Marten;

namespace Engagement.Profiles.Communities;

/// <summary>A census category a community is defined by, e.g. TS021 <c>White: Roma</c>.</summary>
public sealed record CensusCategoryRef(string Table, string Category);

/// <param name="OtherSources">Anything else the definition rests on: a school language count, what key individuals say.</param>
public sealed record CommunityDefinition(IReadOnlyList<CensusCategoryRef> CensusCategories, IReadOnlyList<string> OtherSources);

/// <summary>
/// How a community prefers to hear from the police, as evidence: who said so, how, how sure, and when to look again.
/// No national dataset holds it, so each claim carries its own provenance.
/// </summary>
public sealed record ChannelEvidence(
    Guid EvidenceId, string Channel, string Kind, string Source, string Confidence, DateOnly ReviewBy, string RecordedBy, DateTimeOffset RecordedAt, string? Notes);

// Events of a community's stream. Who and when are on every event; why is the reason the analyst gave.

public sealed record CommunityRecorded(
    Guid CommunityId, string AreaCode, string Name, CommunityDefinition Definition, IReadOnlyList<string> Languages, IReadOnlyList<string> Venues,
    IReadOnlyList<Guid> Intermediaries, string RecordedBy, DateTimeOffset RecordedAt, string Reason);

public sealed record ChannelEvidenceRecorded(Guid CommunityId, ChannelEvidence Evidence, string Reason);

/// <summary>
/// A named community of an area, e.g. "Roma households in Berridge and Hyson Green". Trusted intermediaries are KIN
/// member ids: references into Messaging, never copies of what it holds about them.
/// </summary>
public sealed record Community(
    Guid Id, string AreaCode, string Name, CommunityDefinition Definition, IReadOnlyList<string> Languages, IReadOnlyList<string> Venues,
    IReadOnlyList<Guid> Intermediaries, ImmutableList<ChannelEvidence> Evidence) : IAggregate<Community>
{
    public static Community Initial { get; } = new(Guid.Empty, "", "", new CommunityDefinition([], []), [], [], [], []);

    public static string StreamId(Guid id) => $"community-{id}";

    [JsonIgnore]
    public bool Exists => Id != Guid.Empty;

    public Community Evolve(object @event) => @event switch
    {
        CommunityRecorded e => this with
        {
            Id = e.CommunityId, AreaCode = e.AreaCode, Name = e.Name, Definition = e.Definition, Languages = e.Languages, Venues = e.Venues,
            Intermediaries = e.Intermediaries,
        },
        ChannelEvidenceRecorded e => this with { Evidence = Evidence.Add(e.Evidence) },
        _ => this,
    };
}

/// <summary>The inline snapshot of each community stream: what reads and decisions load.</summary>
public sealed record CommunityDocument(string Id, Community State, long Version) : IAggregate<CommunityDocument>, IStamped<CommunityDocument>
{
    public static CommunityDocument Initial { get; } = new("", Community.Initial, 0);

    public CommunityDocument Evolve(object @event) => this with { State = State.Evolve(@event) };

    public CommunityDocument Stamp(string streamKey, long version) => this with { Id = streamKey, Version = version };
}

public static class CommunityEvents
{
    /// <summary>The aliases are what the event log stores; they outlive any rename of a type, so never change one.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<CommunityRecorded>("community_recorded");
        options.Events.MapEventType<ChannelEvidenceRecorded>("channel_evidence_recorded");
        options.Schema.For<CommunityDocument>().DocumentAlias("community").Index(d => d.State.AreaCode);
        var snapshot = new DeciderProjection<CommunityDocument>();
        snapshot.IncludeType<CommunityRecorded>();
        snapshot.IncludeType<ChannelEvidenceRecorded>();
        options.Projections.Add(snapshot, JasperFx.Events.Projections.ProjectionLifecycle.Inline);
    }
}
