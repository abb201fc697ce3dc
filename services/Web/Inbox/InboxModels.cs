namespace Engagement.Web.Inbox;

// The messaging API's inbox, as the console reads it (GET /api/messaging/inbox).

public sealed record InboxMessage(
    Guid Id, Guid? AlertId, string Kind, string Subject, string Body, string Language, DateTimeOffset Created, bool Read, DateTimeOffset? ReadAt, bool? Useful);

public sealed record InboxPage(IReadOnlyList<InboxMessage> Items, int? Page, int PageSize, long Total, long Unread, string? NextCursor);
