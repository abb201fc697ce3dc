using System.Text.Json.Serialization;
using Engagement.MartenAdditions;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Engagement.Messaging.Kin;

/// <summary>Special category data (DPA 2018 s35), held only together with the purpose it is processed for.</summary>
public sealed record SensitiveField(string Value, string Purpose);

/// <summary>
/// Who a key individual is and how to reach them. All of it is personal data: it is stored as one ciphertext under the
/// member's key, so an erasure removes every part of it at once, sensitive field names included.
/// </summary>
public sealed record KinPerson(
    string Name, string? Organisation, string RoleInCommunity, string? Email, string? Phone,
    IReadOnlyDictionary<string, SensitiveField> Sensitive);

/// <summary>Evidence of consent for one purpose: when it was given, how, and which version of the wording was agreed to.</summary>
public sealed record Consent(string Purpose, DateTimeOffset GivenAt, string Method, string WordingVersion);

/// <summary>What targeting needs, with no personal data in it: kept in plain text, and in <c>kin_members</c>.</summary>
public sealed record KinProfile(
    IReadOnlyList<string> Areas, IReadOnlyList<string> Issues, string PreferredChannel, string Language,
    IReadOnlyList<Consent> Consents, DateOnly ReviewOn)
{
    public static KinProfile Empty { get; } = new([], [], "", "en", [], default);

    /// <summary>A member is messaged only while some consent stands.</summary>
    [JsonIgnore]
    public bool Contactable => Consents.Count > 0;
}

/// <summary>A member of the Key Individual Network, rebuilt from its stream <c>kin-{id}</c>.</summary>
public sealed record KeyIndividual(
    Guid Id, KinPerson? Person, KinProfile Profile, DateTimeOffset RegisteredAt, string RegisteredBy, DateTimeOffset UpdatedAt, bool Erased)
{
    public const string StreamType = "kin-member";

    public static KeyIndividual Initial { get; } = new(Guid.Empty, null, KinProfile.Empty, default, "", default, false);

    public static string StreamId(Guid id) => $"kin-{id}";

    public bool Exists => Id != Guid.Empty && !Erased;

    public KeyIndividual Evolve(object @event) => @event switch
    {
        KeyIndividualRegistered e => this with
        {
            Id = e.MemberId, Person = e.Person, Profile = e.Profile, RegisteredAt = e.At, RegisteredBy = e.RegisteredBy, UpdatedAt = e.At, Erased = false,
        },
        KeyIndividualChanged e => this with { Person = e.Person, Profile = e.Profile, UpdatedAt = e.At },
        KeyIndividualErased e => this with { Person = null, Profile = Profile with { Consents = [] }, UpdatedAt = e.At, Erased = true },
        _ => this,
    };
}

/// <summary>
/// A member's current state and stream version: the inline snapshot of the member's stream (id = the stream key), which
/// reads, decisions and <see cref="KinContacts"/> load. An erasure deletes it.
/// </summary>
public sealed record KinMemberDocument(
    string Id, Guid MemberId, [property: PersonalData] KinPerson? Person, KinProfile Profile, DateTimeOffset RegisteredAt, string RegisteredBy,
    DateTimeOffset UpdatedAt, long Version) : IAggregate<KinMemberDocument>, IHasPersonalData
{
    public static KinMemberDocument Initial { get; } = From(KeyIndividual.Initial, 0);

    [JsonIgnore]
    public string DataSubjectId => DataSubjects.KeyIndividual(MemberId);

    [JsonIgnore]
    public KeyIndividual State => new(MemberId, Person, Profile, RegisteredAt, RegisteredBy, UpdatedAt, Erased: false);

    /// <summary>Registered, and neither erased nor unreadable (its key gone).</summary>
    [JsonIgnore]
    public bool Exists => MemberId != Guid.Empty && Person is not null;

    public KinMemberDocument Evolve(object @event) => From(State.Evolve(@event), Version);

    public static KinMemberDocument From(KeyIndividual s, long version)
    {
        ArgumentNullException.ThrowIfNull(s);
        var key = s.Id == Guid.Empty ? "" : KeyIndividual.StreamId(s.Id);
        return new KinMemberDocument(key, s.Id, s.Person, s.Profile, s.RegisteredAt, s.RegisteredBy, s.UpdatedAt, version);
    }
}

/// <summary>
/// Keeps each member's snapshot in the transaction that appends its events, and deletes it with the erasure, so that
/// nothing of an erased member is left in a document.
/// </summary>
public sealed class KinMemberSnapshot : SingleStreamProjection<KinMemberDocument, string>
{
    public KinMemberSnapshot()
    {
        IncludeType<KeyIndividualRegistered>();
        IncludeType<KeyIndividualChanged>();
        IncludeType<KeyIndividualErased>();
    }

    public override KinMemberDocument? Evolve(KinMemberDocument? snapshot, string id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Data is KeyIndividualErased ? null : (snapshot ?? KinMemberDocument.Initial).Evolve(e.Data) with { Id = id, Version = e.Version };
    }
}
