using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
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

    public static KeyIndividualErased Decide(KeyIndividual s, DateTimeOffset now, string by)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Exists ? new KeyIndividualErased(s.Id, now, by) : throw new NotFoundException("Key individual", s.Id.ToString());
    }

    public static async Task<NoContent> Handle(
        Guid id, HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(store);
        var reason = KinAccess.OptionalReason(http.Request) ?? DefaultReason;
        var ifMatch = http.Request.IfMatchVersion();
        await using (var query = store.QuerySession())
        {
            if (await KinStore.LoadAsync(query, id, ct) is null)
            {
                return await KinStore.IsErasedAsync(query, id, ct) ? TypedResults.NoContent() : throw new NotFoundException("Key individual", id.ToString());
            }
        }

        // Without If-Match a change that landed first is no reason to stop: the erasure does not depend on what it changed.
        var version = 0L;
        await KinStore.HandleAsync(store, id, ifMatch, doc =>
        {
            if (!doc.Exists)
            {
                // Erased meanwhile by a concurrent request: there is nothing left to erase.
                return [];
            }

            KinAccess.RequireAreas(user, doc.Profile.Areas);
            version = doc.Version + 1;
            return [Decide(doc.State, clock.GetUtcNow(), user.SubjectId())];
        }, async (session, _, t) =>
        {
            await KinStore.RemoveAsync(session, settings, id, t);
            session.EraseSubject(DataSubjects.KeyIndividual(id));
            await session.AuditAsync(settings, user, new Audit.Entry("erase", KinStore.AuditSubject, id.ToString(), reason,
                new { version }), t);
        }, user.SubjectId(), ct);
        return TypedResults.NoContent();
    }
}
