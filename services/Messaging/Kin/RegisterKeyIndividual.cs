using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
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
        KinRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, AreaDirectory areas,
        TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(store);
        var reason = KinAccess.OptionalReason(http.Request) ?? DefaultReason;
        var id = http.Request.ResourceId("kin");
        await using (var query = store.QuerySession())
        {
            if (await KinStore.IsErasedAsync(query, id, ct))
            {
                throw KinStore.Erased();
            }
        }

        var now = clock.GetUtcNow();
        var result = await KinStore.HandleAsync(store, id, null, doc =>
        {
            if (doc.Exists)
            {
                // The same Idempotency-Key again (or a concurrent twin that won): the first answer, not a second member.
                KinAccess.RequireAreas(user, doc.Profile.Areas);
                return [];
            }

            var registered = Decide(id, request, now, areas, user.SubjectId());
            KinAccess.RequireAreas(user, registered.Profile.Areas);
            return [registered];
        }, async (session, doc, t) =>
        {
            await KinStore.WriteAsync(session, settings, doc, t);
            await session.AuditAsync(settings, user, new Audit.Entry("collect", KinStore.AuditSubject, id.ToString(), reason, new
            {
                fields = CollectedFields(doc.Person!),
                sensitiveFields = doc.Person!.Sensitive.Keys.Order(StringComparer.Ordinal).ToList(),
                consentPurposes = doc.Profile.Consents.Select(c => c.Purpose).ToList(),
            }), t);
        }, user.SubjectId(), ct);

        var member = result.State with { Version = result.Version };
        if (result.Events.Count == 0)
        {
            // Showing the member again is a consultation.
            await settings.ConsultedAsync(user, new Audit.Entry("consult", KinStore.AuditSubject, id.ToString(), "repeated registration (Idempotency-Key)"), ct);
        }

        KinTime.SetETag(http, member.Version);
        return TypedResults.Created($"/api/messaging/kin/{id}", KinMemberView.From(member, now));
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
