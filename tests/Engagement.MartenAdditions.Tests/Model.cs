using System.Collections.Immutable;
using System.Text.Json.Serialization;
using JasperFx.Events;

namespace Engagement.MartenAdditions.Tests;

public sealed record ThingHappened(Guid ThingId, Guid Mark);

public sealed record PersonRegistered(Guid PersonId, [property: PersonalData] string? Name, [property: PersonalData] string? Email, string Area) : IHasPersonalData
{
    [JsonIgnore]
    public string DataSubjectId => $"person:{PersonId}";
}

/// <summary>A document holding personal data, stored directly rather than projected.</summary>
public sealed record PersonCard(string Id, [property: PersonalData] string? Name, string Area) : IHasPersonalData
{
    [JsonIgnore]
    public string DataSubjectId => $"person:{Id}";
}

/// <summary>
/// Every mark a stream has seen, in order: a mark seen twice means an event applied twice, a missing one an event lost.
/// </summary>
public sealed record Tally(string Id, ImmutableList<Guid> Marks, long Version) : IAggregate<Tally>, IStamped<Tally>
{
    public static Tally Initial { get; } = new("", [], 0);
    public Tally Evolve(object @event) => @event is ThingHappened t ? this with { Marks = Marks.Add(t.Mark) } : this;
    public Tally Stamp(string streamKey, long version) => this with { Id = streamKey, Version = version };
}

/// <summary>The same fold, run by the async daemon.</summary>
public sealed record LateTally(string Id, ImmutableList<Guid> Marks, long Version) : IAggregate<LateTally>, IStamped<LateTally>
{
    public static LateTally Initial { get; } = new("", [], 0);
    public LateTally Evolve(object @event) => @event is ThingHappened t ? this with { Marks = Marks.Add(t.Mark) } : this;
    public LateTally Stamp(string streamKey, long version) => this with { Id = streamKey, Version = version };
}

/// <summary>Integration contracts the relay publishes in these tests.</summary>
public sealed record ThingAnnounced(Guid MessageId, string StreamKey, Guid Mark);

public static class TestEvents
{
    public static object? Map(IEvent e) => e.Data is ThingHappened t ? new ThingAnnounced(e.Id, e.StreamKey!, t.Mark) : null;
}
