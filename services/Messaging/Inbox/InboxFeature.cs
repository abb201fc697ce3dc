using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Inbox;

/// <summary>
/// Residents' in-app inbox: services and endpoints. The inbox is a plain table (a million rows per alert would swamp
/// the log), so it has no events of its own.
/// </summary>
public static class InboxFeature
{
    public static void AddServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
    }

    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var inbox = api.MapGroup("/inbox").RequireAuthorization(Roles.Resident);
        inbox.MapGet("", ReadInbox.List).WithSummary("Your inbox, newest first: page and pageSize, or cursor; with total and unread counts.");
        inbox.MapPost("/{id:guid}/read", ReadInbox.MarkRead).WithSummary("Mark a message read.");
        inbox.MapPost("/{id:guid}/rating", ReadInbox.Rate).WithSummary("Say whether a message was useful: { \"useful\": true|false }.");
    }
}
