using System.Text.Json.Serialization;

namespace Engagement.EventStore.Tests;

public sealed record ThingHappened(string Name, int N);

public sealed record ThingRenamed(string Name);

public sealed record PersonRegistered(
    string PersonId,
    [property: PersonalData] string? Name,
    [property: PersonalData] string? Email,
    string AreaCode) : IHasPersonalData
{
    [JsonIgnore]
    public string DataSubjectId => PersonId;
}

public sealed record PersonCard(string PersonId, [property: PersonalData] string? Name, string AreaCode) : IHasPersonalData
{
    [JsonIgnore]
    public string DataSubjectId => PersonId;
}

public sealed record Thing(int Count, string? Name) : IAggregate<Thing>
{
    public static Thing Initial { get; } = new(0, null);

    public Thing Apply(object @event) => @event switch
    {
        ThingHappened e => this with { Count = Count + 1, Name = e.Name },
        ThingRenamed e => this with { Name = e.Name },
        _ => this,
    };
}

public sealed record StreamSummary(string StreamId, int Events, string? LastName);

/// <summary>One summary document per stream; used inline and rebuilt from zero.</summary>
public sealed class StreamSummaryProjection : IProjection
{
    public string Name => "stream_summary";
    public IReadOnlyList<Type> DocumentTypes { get; } = [typeof(StreamSummary)];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var current = await context.LoadAsync<StreamSummary>(e.StreamId, ct) ?? new StreamSummary(e.StreamId, 0, null);
            var name = e.Data switch
            {
                ThingHappened t => t.Name,
                ThingRenamed r => r.Name,
                _ => current.LastName,
            };
            context.Store(e.StreamId, current with { Events = current.Events + 1, LastName = name });
        }
    }
}

public sealed record Tally(int Applied);

public sealed record Seen(Guid EventId);

/// <summary>Counts every event it is given and records each event id: a duplicate apply makes the two disagree.</summary>
public sealed class TallyProjection : IProjection
{
    public string Name => "tally";
    public IReadOnlyList<Type> DocumentTypes { get; } = [typeof(Tally), typeof(Seen)];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var tally = await context.LoadAsync<Tally>("total", ct) ?? new Tally(0);
        context.Store("total", tally with { Applied = tally.Applied + events.Count });
        foreach (var e in events)
        {
            context.Store(e.Id.ToString(), new Seen(e.Id));
        }
    }
}
