using System.Security.Claims;
using Engagement.EventStore;
using Engagement.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Kin;

/// <summary>
/// Erasure: the member's document and targeting row go, a KeyIndividualErased event (no personal data) closes the
/// stream, and the member's key is deleted, so every ciphertext of theirs in the events is noise from then on. Only the
/// audit log's rows remain, and they hold ids, field names and reasons, never personal data. A read afterwards is 404.
/// </summary>
public static class EraseKeyIndividual
{
    public const string DefaultReason = "erasure of a key individual's personal data";

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
        var subject = KeyIndividual.SubjectId(id);
        await using var held = await KinStore.LockAsync(store, id, ct);
        var doc = await KinStore.LoadAsync(store, id, ct);
        if (doc is null)
        {
            if (!await KinStore.IsErasedAsync(store, id, ct))
            {
                throw new NotFoundException("Key individual", id.ToString());
            }

            // Erasing again finishes an erasure whose key deletion did not happen (the process died after the commit).
            if (await store.EraseSubjectAsync(subject, ct))
            {
                await Audit.RecordAsync(store, user, new Audit.Entry("erase", KinStore.AuditSubject, id.ToString(), reason, new { keyDeleted = true, retry = true }), ct);
            }

            return TypedResults.NoContent();
        }

        KinAccess.RequireAreas(user, doc.Profile.Areas);
        var expected = http.Request.IfMatchOr(doc.Version);
        var erased = Decide(doc.State, clock.GetUtcNow(), user.SubjectId());

        await using (var session = store.OpenSession(new EventMetadata(UserId: user.SubjectId())))
        {
            session.Append(KeyIndividual.StreamId(id), KeyIndividual.StreamType, expected, [erased]);
            KinStore.Remove(session, store.Schema, id);
            session.Record(store.Schema, user, new Audit.Entry("erase", KinStore.AuditSubject, id.ToString(), reason, new { keyDeleted = true }));
            await session.SaveChangesAsync(ct);
        }

        // The key goes after the commit: if the process dies between the two, the stream already says erased, nothing
        // will write for the member again, and a repeated DELETE finishes the job. The other order would leave a member
        // whose record stands but whose personal data cannot be read.
        await store.EraseSubjectAsync(subject, ct);
        return TypedResults.NoContent();
    }
}
