using System.Security.Claims;
using Engagement.EventStore;
using Engagement.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Kin;

public static class RegisterKeyIndividual
{
    public const string DefaultReason = "registered in the Key Individual Network";

    /// <summary>The decision: a valid request becomes KeyIndividualRegistered, or every broken rule is reported at once.</summary>
    public static KeyIndividualRegistered Decide(Guid id, KinRequest request, DateTimeOffset now, AreaDirectory areas, string by)
    {
        var (person, profile) = KinRules.Validate(request, now, areas);
        return new KeyIndividualRegistered(id, person, profile, now, by);
    }

    public static async Task<Created<KinMemberView>> Handle(
        KinRequest request, HttpContext http, ClaimsPrincipal user, EventStore.EventStore store, AreaDirectory areas, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(store);
        var reason = KinAccess.OptionalReason(http.Request) ?? DefaultReason;
        var id = http.Request.ResourceId("kin");
        if (await KinStore.LoadAsync(store, id, ct) is { } existing)
        {
            return await RepeatAsync(http, user, store, existing, clock, ct);
        }

        if (await KinStore.IsErasedAsync(store, id, ct))
        {
            throw KinStore.Erased();
        }

        var now = clock.GetUtcNow();
        var registered = Decide(id, request, now, areas, user.SubjectId());
        KinAccess.RequireAreas(user, registered.Profile.Areas);
        var doc = KinMemberDocument.From(KeyIndividual.Initial.Apply(registered), 1);

        await using var session = store.OpenSession(new EventMetadata(UserId: user.SubjectId()));
        session.StartStream(KeyIndividual.StreamId(id), KeyIndividual.StreamType, [registered]);
        KinStore.Write(session, store.Schema, doc);
        session.Record(store.Schema, user, new Audit.Entry("collect", KinStore.AuditSubject, id.ToString(), reason, new
        {
            fields = CollectedFields(registered.Person!),
            sensitiveFields = registered.Person!.Sensitive.Keys.Order(StringComparer.Ordinal).ToList(),
            consentPurposes = registered.Profile.Consents.Select(c => c.Purpose).ToList(),
        }));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ConcurrencyException)
        {
            // A concurrent request with the same Idempotency-Key made it first.
            return await RepeatAsync(http, user, store, await KinStore.LoadAsync(store, id, ct) ?? throw await KinStore.MissingAsync(store, id, ct), clock, ct);
        }

        KinTime.SetETag(http, doc.Version);
        return TypedResults.Created($"/api/messaging/kin/{id}", KinMemberView.From(doc, now));
    }

    /// <summary>The same Idempotency-Key again: the first answer, not a second member. Showing it again is a consultation.</summary>
    private static async Task<Created<KinMemberView>> RepeatAsync(
        HttpContext http, ClaimsPrincipal user, EventStore.EventStore store, KinMemberDocument existing, TimeProvider clock, CancellationToken ct)
    {
        KinAccess.RequireAreas(user, existing.Profile.Areas);
        await Audit.RecordAsync(store, user, new Audit.Entry("consult", KinStore.AuditSubject, existing.Id.ToString(), "repeated registration (Idempotency-Key)"), ct);
        KinTime.SetETag(http, existing.Version);
        return TypedResults.Created($"/api/messaging/kin/{existing.Id}", KinMemberView.From(existing, clock.GetUtcNow()));
    }

    /// <summary>Names of the personal fields collected (never their values), for the audit log.</summary>
    internal static List<string> CollectedFields(KinPerson p)
    {
        var fields = new List<string> { "name", "roleInCommunity" };
        if (p.Organisation is not null)
        {
            fields.Add("organisation");
        }

        if (p.Email is not null)
        {
            fields.Add("email");
        }

        if (p.Phone is not null)
        {
            fields.Add("phone");
        }

        fields.AddRange(p.Sensitive.Keys.Order(StringComparer.Ordinal).Select(k => $"sensitive.{k}"));
        return fields;
    }
}
