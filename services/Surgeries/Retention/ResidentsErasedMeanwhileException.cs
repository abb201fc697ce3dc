namespace Engagement.Surgeries.Retention;

/// <summary>Residents of a booking batch erased while it was being decided: the batch is decided again without them.</summary>
public sealed class ResidentsErasedMeanwhileException(IReadOnlyCollection<string> residentIds) : Exception("Residents of the batch were erased meanwhile.")
{
    public IReadOnlyCollection<string> ResidentIds { get; } = residentIds;
}
