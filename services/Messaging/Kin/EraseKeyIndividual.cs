using System.Security.Claims;
using Engagement.EventStore;
using Engagement.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Kin;

/// <summary>
/// Erasure, in one transaction: a KeyIndividualErased event (no personal data) closes the stream, the member's document
/// and targeting row go, the member's key is deleted (leaving the store's tombstone, so no new key can ever be made
/// under them and every ciphertext of theirs in the events is noise from now on), and the erasure is audited. Only the
/// audit log's rows remain, holding ids, field names and reasons, never personal data. Reading, changing or registering
/// the member again (by Idempotency-Key) answers 410; erasing again answers 204 and changes nothing.
/// </summary>
public static class EraseKeyIndividual
{
    public const string DefaultReason = "erasure of a key individual's personal data";
    private const int Attempts = 3;

    public static KeyIndividualErased Decide(KeyIndividual s, DateTimeOffset now, string by)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Exists ? new KeyIndividualErased(s.Id, now, by) : throw new NotFoundException("Key individual", s.Id.ToString());
    }

    public static async Task<NoContent> Handle(Guid id, HttpContext http, ClaimsPrincipal user, EventStore.EventStore store, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(store);
        var reason = KinAccess.OptionalReason(http.Request) ?? DefaultReason;
        var ifMatch = string.IsNullOrWhiteSpace(http.Request.Headers.IfMatch.ToString()) ? (ExpectedVersion?)null : http.Request.RequireIfMatch();
        for (var attempt = 1; ; attempt++)
        {
            var doc = await KinStore.LoadAsync(store, id, ct);
            if (doc is null)
            {
                return await KinStore.IsErasedAsync(store, id, ct) ? TypedResults.NoContent() : throw new NotFoundException("Key individual", id.ToString());
            }

            KinAccess.RequireAreas(user, doc.Profile.Areas);
            if (ifMatch is { } expected && expected.Value != doc.Version)
            {
                throw new ConcurrencyException(KeyIndividual.StreamId(id), expected.Value ?? 0, doc.Version, VersionSource.IfMatch);
            }

            var erased = Decide(doc.State, clock.GetUtcNow(), user.SubjectId());
            await using var session = store.OpenSession(new EventMetadata(UserId: user.SubjectId()));
            session.Append(KeyIndividual.StreamId(id), KeyIndividual.StreamType, ifMatch ?? ExpectedVersion.Exactly(doc.Version), [erased]);
            KinStore.Remove(session, store.Schema, id);
            session.EraseSubject(KeyIndividual.SubjectId(id));
            session.Record(store.Schema, user, new Audit.Entry("erase", KinStore.AuditSubject, id.ToString(), reason, new { version = doc.Version + 1 }));
            try
            {
                await session.SaveChangesAsync(ct);
                return TypedResults.NoContent();
            }
            catch (ConcurrencyException) when (ifMatch is null && attempt < Attempts)
            {
                // A change landed first; the erasure does not depend on what it changed, so erase the new version.
            }
        }
    }
}
