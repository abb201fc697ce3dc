namespace Engagement.Web.Components.Pages.Resident;

// GET /api/plans/priorities/near-me and POST /api/plans/priorities/{id}/votes, as the console reads them.

public sealed record LocalPriorityDto(Guid Id, string AreaCode, string Category, string Issue, DateTimeOffset RaisedAt, int Mentions, int Votes, bool YouVoted);

public sealed record PrioritiesNearMeDto(IReadOnlyList<string> Areas, IReadOnlyList<LocalPriorityDto> Priorities);

public sealed record VoteCastDto(Guid PriorityId, int Round, int Votes, int Mentions, bool Counted);
