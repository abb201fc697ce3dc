using System.Text.Json.Serialization;
using Engagement.MartenAdditions;

namespace Engagement.Messaging.Kin;

// Domain events of the Key Individual Network. None is public: key individuals never leave this service.

/// <summary>The member's personal fields are encrypted under the member's own key, <c>kin:{id}</c>.</summary>
public interface IKinPersonalData : IHasPersonalData
{
    Guid MemberId { get; }

    [JsonIgnore]
    string IHasPersonalData.DataSubjectId => DataSubjects.KeyIndividual(MemberId);
}

public sealed record KeyIndividualRegistered(
    Guid MemberId, [property: PersonalData] KinPerson? Person, KinProfile Profile, DateTimeOffset At, string RegisteredBy) : IKinPersonalData;

/// <summary>The member's whole new state, and the names (never the values) of the fields that changed.</summary>
public sealed record KeyIndividualChanged(
    Guid MemberId, IReadOnlyList<string> Fields, [property: PersonalData] KinPerson? Person, KinProfile Profile, DateTimeOffset At, string ChangedBy)
    : IKinPersonalData;

/// <summary>No personal data, and no subject: writing it must not create a key for the member again.</summary>
public sealed record KeyIndividualErased(Guid MemberId, DateTimeOffset At, string ErasedBy);
