using JasperFx.Events.Projections;
using Marten;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Kin;

/// <summary>
/// The Key Individual Network register, and the service's personal-data audit log.
/// <list type="bullet">
/// <item>Communications (and admins) keep the register; neighbourhood staff may read and add members whose areas all
/// lie within their own (staff with no area claims act force-wide). Residents have no access.</item>
/// <item>Every read states a reason (<c>X-Access-Reason</c> or <c>?reason=</c>), and every collection, consultation,
/// change and erasure is in the audit log, which admins query at <c>/audit</c>.</item>
/// <item>Erasure crypto-shreds the member; afterwards the member reads as 404 and nothing of them is readable.</item>
/// </list>
/// </summary>
public static class KinFeature
{
    /// <summary>The aliases are what the event log stores; they outlive any rename of a type, so never change one.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<KeyIndividualRegistered>("key_individual_registered");
        options.Events.MapEventType<KeyIndividualChanged>("key_individual_changed");
        options.Events.MapEventType<KeyIndividualErased>("key_individual_erased");
        options.Schema.For<KinMemberDocument>().DocumentAlias("kin_member");
        options.Projections.Add(new KinMemberSnapshot(), ProjectionLifecycle.Inline);
    }

    public static void AddServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
    }

    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var kin = api.MapGroup("/kin").WithTags("Key Individual Network");
        kin.MapGet("/", ViewKeyIndividuals.List).RequireRoles(Roles.Communications, Roles.Neighbourhood).WithAccessReason()
            .WithSummary("Members by area, issue and part of the name (case and accents ignored), paged; no contact or sensitive fields. Requires an access reason; audited.");
        kin.MapGet("/{id:guid}", ViewKeyIndividuals.Get).RequireRoles(Roles.Communications, Roles.Neighbourhood).WithAccessReason()
            .ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("One member in full. Requires an access reason; audited.");
        kin.MapPost("/", RegisterKeyIndividual.Handle).RequireRoles(Roles.Communications, Roles.Neighbourhood)
            .WithIdempotencyKey().WithAccessReason(required: false)
            .WithSummary("Register a member with evidenced consent. Accepts Idempotency-Key; audited.");
        kin.MapPatch("/{id:guid}", ChangeKeyIndividual.Handle).RequireRoles(Roles.Communications).WithIfMatch(required: true).WithAccessReason(required: false)
            .ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("Change a member (JSON merge patch). Requires If-Match; audited.");
        kin.MapDelete("/{id:guid}", EraseKeyIndividual.Handle).RequireRoles(Roles.Communications).WithIfMatch().WithAccessReason(required: false)
            .ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("Erase a member: crypto-shredded, nothing readable remains. Audited.");
    }
}
