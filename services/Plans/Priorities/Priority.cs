using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Engagement.MartenAdditions;
using Marten;

namespace Engagement.Plans.Priorities;

/// <summary>
/// One time an issue was raised: where it came from (<c>surgery</c>, <c>survey</c>), the reference of that source (so the
/// same source is never counted twice), and the opaque ids of the residents who raised it (never names).
/// </summary>
public sealed record Mention(string Source, string SourceRef, string Summary, DateTimeOffset RaisedAt, IReadOnlyList<string> RaiserIds);

public sealed record Decision(string Reason, string By, DateTimeOffset At);

public sealed record PartnerReferral(string Partner, string Reference, string Reason, string By, DateTimeOffset At);

public sealed record PriorityAction(Guid ActionId, DateOnly On, string Text, string? Outcome, string By, DateTimeOffset At);

// Events of a priority's stream: one stream per area and issue category, so every mention of the same issue counts
// towards one candidate. A closed priority raised again starts a new round.

public sealed record PriorityRaised(Guid PriorityId, string AreaCode, string Category, int Round, Mention Mention);

public sealed record PriorityMentioned(Guid PriorityId, Mention Mention);

/// <param name="Scores">Each threat, risk and harm dimension's score; the weighted score is worked out on reading, with the weights then in force.</param>
public sealed record PriorityAssessed(Guid PriorityId, IReadOnlyDictionary<string, int> Scores, string By, DateTimeOffset At);

public sealed record PriorityAdopted(Guid PriorityId, string AreaCode, Decision Decision);

public sealed record PriorityPassedToPartner(Guid PriorityId, string AreaCode, PartnerReferral Referral);

/// <param name="Issue">The issue as raised, and <paramref name="RaiserIds"/> everyone who raised it this round: what the raisers are told.</param>
public sealed record PriorityActioned(Guid PriorityId, string AreaCode, PriorityAction Action, string Issue, IReadOnlyList<string> RaiserIds);

public sealed record PriorityClosed(Guid PriorityId, string AreaCode, string Category, Decision Decision);

/// <summary>An erased resident is no longer a raiser of the priority: not shown, not counted as told, never told.</summary>
public sealed record RaiserForgotten(Guid PriorityId, string ResidentId, DateTimeOffset At);

/// <summary>A closed round of the priority, kept so that those who raised it still see what became of it.</summary>
/// <param name="Mentions">Each time it was raised that round, so a raiser still sees where they raised it (null in snapshots from before it was kept).</param>
public sealed record PastRound(
    int Round, string Issue, DateTimeOffset RaisedAt, PartnerReferral? Referral, IReadOnlyList<PriorityAction> Actions, Decision? Closure, IReadOnlyList<string> RaiserIds,
    IReadOnlyList<Mention>? Mentions = null);

public static class PriorityStatus
{
    public const string Candidate = "candidate";
    public const string Adopted = "adopted";
    public const string PassedToPartner = "passed-to-partner";
    public const string Closed = "closed";
}

public sealed record Priority(
    Guid Id, string AreaCode, string Category, int Round, string Status, ImmutableList<Mention> Mentions, IReadOnlyDictionary<string, int>? Scores,
    Decision? Adoption, PartnerReferral? Referral, ImmutableList<PriorityAction> Actions, Decision? Closure, ImmutableList<PastRound> PastRounds) : IAggregate<Priority>
{
    public static Priority Initial { get; } = new(Guid.Empty, "", "", 0, "", [], null, null, null, [], null, []);

    /// <summary>The same area and category always name the same priority, whichever instance or consumer raises it first.</summary>
    public static Guid IdFor(string areaCode, string category)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"priority\n{areaCode}\n{category}"));
        // Shaped as an RFC 9562 version 8 (custom) UUID.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public static string StreamId(Guid id) => $"priority-{id}";

    [JsonIgnore]
    public bool Exists => Id != Guid.Empty;

    /// <summary>The issue as first raised in this round: what police.uk shows.</summary>
    [JsonIgnore]
    public string Issue => Mentions.Count == 0 ? "" : Mentions[0].Summary;

    [JsonIgnore]
    public DateTimeOffset RaisedAt => Mentions.Count == 0 ? default : Mentions[0].RaisedAt;

    [JsonIgnore]
    public IReadOnlyList<string> RaiserIds => Mentions.SelectMany(m => m.RaiserIds).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Whether the resident raised it in this round or an earlier one.</summary>
    public bool WasRaisedBy(string residentId) =>
        RaiserIds.Contains(residentId, StringComparer.Ordinal) || PastRounds.Any(r => r.RaiserIds.Contains(residentId, StringComparer.Ordinal));

    public Priority Evolve(object @event) => @event switch
    {
        PriorityRaised e => Initial with
        {
            Id = e.PriorityId, AreaCode = e.AreaCode, Category = e.Category, Round = e.Round, Status = PriorityStatus.Candidate, Mentions = [e.Mention],
            PastRounds = Exists ? PastRounds.Add(new PastRound(Round, Issue, RaisedAt, Referral, Actions, Closure, RaiserIds, Mentions)) : [],
        },
        PriorityMentioned e => this with { Mentions = Mentions.Add(e.Mention) },
        PriorityAssessed e => this with { Scores = e.Scores },
        PriorityAdopted e => this with { Status = PriorityStatus.Adopted, Adoption = e.Decision },
        PriorityPassedToPartner e => this with { Status = PriorityStatus.PassedToPartner, Referral = e.Referral },
        PriorityActioned e => this with { Actions = Actions.Add(e.Action) },
        PriorityClosed e => this with { Status = PriorityStatus.Closed, Closure = e.Decision },
        RaiserForgotten e => this with
        {
            Mentions = Forget(Mentions, e.ResidentId).ToImmutableList(),
            PastRounds = PastRounds.Select(r => r with { RaiserIds = Without(r.RaiserIds, e.ResidentId), Mentions = r.Mentions is null ? null : Forget(r.Mentions, e.ResidentId).ToList() })
                .ToImmutableList(),
        },
        _ => this,
    };

    private static IEnumerable<Mention> Forget(IEnumerable<Mention> mentions, string residentId) =>
        mentions.Select(m => m with { RaiserIds = Without(m.RaiserIds, residentId) });

    private static IReadOnlyList<string> Without(IReadOnlyList<string> ids, string residentId) =>
        ids.Contains(residentId, StringComparer.Ordinal) ? ids.Where(r => r != residentId).ToList() : ids;
}

/// <summary>The inline snapshot of each priority stream: what reads and decisions load.</summary>
public sealed record PriorityDocument(string Id, Priority State, long Version) : IAggregate<PriorityDocument>, IStamped<PriorityDocument>
{
    public static PriorityDocument Initial { get; } = new("", Priority.Initial, 0);

    public PriorityDocument Evolve(object @event) => this with { State = State.Evolve(@event) };

    public PriorityDocument Stamp(string streamKey, long version) => this with { Id = streamKey, Version = version };
}

public static class PriorityEvents
{
    /// <summary>The aliases are what the event log stores; they outlive any rename of a type, so never change one.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<PriorityRaised>("priority_raised");
        options.Events.MapEventType<PriorityMentioned>("priority_mentioned");
        options.Events.MapEventType<PriorityAssessed>("priority_assessed");
        options.Events.MapEventType<PriorityAdopted>("priority_adopted");
        options.Events.MapEventType<PriorityPassedToPartner>("priority_passed_to_partner");
        options.Events.MapEventType<PriorityActioned>("priority_actioned");
        options.Events.MapEventType<PriorityClosed>("priority_closed");
        options.Events.MapEventType<RaiserForgotten>("raiser_forgotten");
        options.Schema.For<PriorityDocument>().DocumentAlias("priority").Index(d => d.State.AreaCode);
        var snapshot = new DeciderProjection<PriorityDocument>();
        snapshot.IncludeType<PriorityRaised>();
        snapshot.IncludeType<PriorityMentioned>();
        snapshot.IncludeType<PriorityAssessed>();
        snapshot.IncludeType<PriorityAdopted>();
        snapshot.IncludeType<PriorityPassedToPartner>();
        snapshot.IncludeType<PriorityActioned>();
        snapshot.IncludeType<PriorityClosed>();
        snapshot.IncludeType<RaiserForgotten>();
        options.Projections.Add(snapshot, JasperFx.Events.Projections.ProjectionLifecycle.Inline);
    }
}
