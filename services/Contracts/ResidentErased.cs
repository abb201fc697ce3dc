namespace Engagement.Contracts;

// Published by Messaging when a resident erases themselves (their subscriber id is the `sub` of their token). Every service
// that holds data about that resident (Surgeries' bookings, Plans' raisers of issues) erases it and audits the erasure.
// The id is opaque and carries no personal data; ErasedBy says who asked (the resident, or an administrator).
public sealed record ResidentErased(Guid EventId, DateTimeOffset OccurredAt, string ResidentId, string ErasedBy) : IIntegrationEvent;
