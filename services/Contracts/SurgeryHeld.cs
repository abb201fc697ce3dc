namespace Engagement.Contracts;

// Published by Surgeries when a surgery's outcome is recorded; consumed by Plans (issues raised feed the area's priorities).
public sealed record SurgeryHeld(
    Guid EventId, DateTimeOffset OccurredAt, Guid SurgeryId, string AreaCode, DateTimeOffset StartsAt,
    int Attendance, IReadOnlyList<IssueRaised> IssuesRaised) : IIntegrationEvent;

/// <summary>
/// An issue raised at a surgery: a category (such as asb, burglary, road-safety) and a summary with no personal data.
/// <c>RaiserIds</c> are the opaque resident ids of those who raised it and consented to hear what was done (never
/// names); a message from before raisers were named has none.
/// </summary>
public sealed record IssueRaised(string Category, string Summary, IReadOnlyList<string>? RaiserIds = null)
{
    public IReadOnlyList<string> RaiserIds { get; init; } = RaiserIds ?? [];
}
