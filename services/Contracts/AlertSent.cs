namespace Engagement.Contracts;

// Published by Messaging when an alert starts going out; consumed by Plans (engagement activity for the areas).
public sealed record AlertSent(
    Guid EventId, DateTimeOffset OccurredAt, Guid AlertId, string Type, string Priority,
    IReadOnlyList<string> AreaCodes, IReadOnlyList<string> Interests, int Targeted) : IIntegrationEvent;
