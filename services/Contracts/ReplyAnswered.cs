namespace Engagement.Contracts;

// Published by Messaging when staff answer a resident's reply; consumed by Plans, which counts the 72-hour reply clock's
// compliance per area into its plans' evaluations. Times and area only: not who replied, nor what either side wrote.
public sealed record ReplyAnswered(
    Guid EventId, DateTimeOffset OccurredAt, Guid ReplyId, string AreaCode, DateTimeOffset ReceivedAt, DateTimeOffset AnsweredAt) : IIntegrationEvent;
