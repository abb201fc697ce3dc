using Engagement.Web.Localisation;

namespace Engagement.Web.Components.Pages.Resident;

// GET /api/plans/raised, as the console reads it: what became of each issue the resident raised.

public sealed record RaisedActionDto(DateOnly On, string Text, string? Outcome);

public sealed record RaisedWhereDto(string Source, Guid? SurgeryId, DateTimeOffset At);

public sealed record RaisedIssueDto(
    Guid PriorityId, int Round, string AreaCode, string Category, string Issue, DateTimeOffset RaisedAt, string Status, string? PassedTo,
    IReadOnlyList<RaisedActionDto> Actions, DateTimeOffset? ClosedAt, IReadOnlyList<RaisedWhereDto>? Where)
{
    /// <summary>Its state in words (never a colour alone): considered, adopted, acted on, passed to a partner, or closed.</summary>
    public string State(ResidentText text) => Status switch
    {
        "closed" => text.ClosedOn(ClosedAt is { } c ? text.Date(c) : ""),
        "passed-to-partner" => text.PassedTo(PassedTo),
        "adopted" when Actions.Count > 0 => text.ActionTaken,
        "adopted" => text.Adopted,
        _ => text.Considering,
    };
}
