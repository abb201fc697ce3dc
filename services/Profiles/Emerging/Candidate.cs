using System.Text.Json.Serialization;
using Engagement.MartenAdditions;
using Marten;

namespace Engagement.Profiles.Emerging;

public sealed record EmergingCommunityIdentified(string CandidateId, string AreaCode, string Dimension, string Value, IReadOnlyList<SourceSignal> Evidence, EmergingThresholds Thresholds);

public sealed record EmergingCandidateConfirmed(string CandidateId, string By, DateTimeOffset At, string Reason);

public sealed record EmergingCandidateDismissed(string CandidateId, string By, DateTimeOffset At, string Reason);

/// <summary>A candidate emerging community: identified by the rule, then confirmed or dismissed by an analyst with a reason.</summary>
public sealed record Candidate(
    string Id, string AreaCode, string Dimension, string Value, string Status, IReadOnlyList<SourceSignal> Evidence, EmergingThresholds? Thresholds,
    string? DecidedBy, DateTimeOffset? DecidedAt, string? Reason) : IAggregate<Candidate>
{
    public static Candidate Initial { get; } = new("", "", "", "", "", [], null, null, null, null);

    /// <summary>One candidate per area, dimension and value, so the rule finding it again changes nothing.</summary>
    public static string StreamId(string areaCode, string dimension, string value) =>
        $"emerging-{areaCode}-{dimension}-{value}".ToLowerInvariant().Replace(' ', '-');

    [JsonIgnore]
    public bool Exists => Id.Length > 0;

    public Candidate Evolve(object @event) => @event switch
    {
        EmergingCommunityIdentified e => this with
        {
            Id = e.CandidateId, AreaCode = e.AreaCode, Dimension = e.Dimension, Value = e.Value, Status = "identified", Evidence = e.Evidence, Thresholds = e.Thresholds,
        },
        EmergingCandidateConfirmed e => this with { Status = "confirmed", DecidedBy = e.By, DecidedAt = e.At, Reason = e.Reason },
        EmergingCandidateDismissed e => this with { Status = "dismissed", DecidedBy = e.By, DecidedAt = e.At, Reason = e.Reason },
        _ => this,
    };
}

public sealed record CandidateDocument(string Id, Candidate State, long Version) : IAggregate<CandidateDocument>, IStamped<CandidateDocument>
{
    public static CandidateDocument Initial { get; } = new("", Candidate.Initial, 0);

    public CandidateDocument Evolve(object @event) => this with { State = State.Evolve(@event) };

    public CandidateDocument Stamp(string streamKey, long version) => this with { Id = streamKey, Version = version };
}

public static class EmergingEvents
{
    /// <summary>The aliases are what the event log stores; they outlive any rename of a type, so never change one.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<EmergingCommunityIdentified>("emerging_community_identified");
        options.Events.MapEventType<EmergingCandidateConfirmed>("emerging_candidate_confirmed");
        options.Events.MapEventType<EmergingCandidateDismissed>("emerging_candidate_dismissed");
        options.Events.MapEventType<FlowDataImported>("flow_data_imported");
        options.Schema.For<CandidateDocument>().DocumentAlias("emerging_candidate");
        var snapshot = new DeciderProjection<CandidateDocument>();
        snapshot.IncludeType<EmergingCommunityIdentified>();
        snapshot.IncludeType<EmergingCandidateConfirmed>();
        snapshot.IncludeType<EmergingCandidateDismissed>();
        options.Projections.Add(snapshot, JasperFx.Events.Projections.ProjectionLifecycle.Inline);
    }
}
