namespace Engagement.Contracts;

// Published by Messaging when staff mark a resident's reply as an issue for the area's priorities; consumed by Plans,
// which raises it as a candidate with the resident as its raiser (a resident who replied hears what was done). The summary
// is written by staff, with no personal data; RaiserId is the resident's opaque subscriber id, never a name.
public sealed record ReplyRaisedAsIssue(
    Guid EventId, DateTimeOffset OccurredAt, Guid ReplyId, string AreaCode, string Category, string Summary, string RaiserId) : IIntegrationEvent;
