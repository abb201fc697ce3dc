namespace Engagement.Contracts;

// Published by Messaging when a resident replies to an alert; consumed by Plans. Area and category only: no personal data.
public sealed record ReplyReceived(
    Guid EventId, DateTimeOffset OccurredAt, Guid AlertId, Guid ReplyId, string AreaCode, string Category, bool Urgent) : IIntegrationEvent;
