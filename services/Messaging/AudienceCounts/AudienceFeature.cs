using Engagement.ServiceDefaults;
using JasperFx.Events;
using Microsoft.AspNetCore.Http.HttpResults;
using C = Engagement.Contracts;

namespace Engagement.Messaging.AudienceCounts;

/// <summary>The daily audience count: counted by a worker, on demand by an administrator, and read by staff.</summary>
public static class AudienceFeature
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<AudienceCount>();
        services.AddHostedService<AudienceCountWorker>();
    }

    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var audience = api.MapGroup("/audience");
        audience.MapPost("/counts", CountNow).RequireRoles(Roles.Admin)
            .WithSummary("Count today's audience now, if the daily count has not run yet; 201 with the count, or 200 with the one already made.");
        audience.MapGet("/counts/latest", Latest).RequireRoles(Roles.Communications, Roles.Analyst).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The newest daily audience count: subscriptions per area by channel and language, and key individuals. Numbers only.");
    }

    public static C.AudienceCounted? Map(IEvent e) =>
        e.Data is AudienceCounted c ? new C.AudienceCounted(e.Id, e.Timestamp, c.CountedOn, c.Areas) : null;

    private static async Task<Results<Created<AudienceCounted>, Ok<AudienceCounted>>> CountNow(AudienceCount count, CancellationToken ct)
    {
        var (counted, made) = await count.CountTodayAsync(ct);
        return made ? TypedResults.Created("/api/messaging/audience/counts/latest", counted) : TypedResults.Ok(counted);
    }

    private static async Task<Ok<AudienceCounted>> Latest(AudienceCount count, CancellationToken ct) =>
        TypedResults.Ok(await count.LatestAsync(ct) ?? throw new NotFoundException("Audience count", "latest"));
}
