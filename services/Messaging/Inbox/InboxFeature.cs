namespace Engagement.Messaging.Inbox;

/// <summary>Residents' in-app inbox: event types, services and endpoints.</summary>
public static class InboxFeature
{
    public static void Register(Engagement.EventStore.EventTypes types)
    {
        ArgumentNullException.ThrowIfNull(types);
    }

    public static void AddServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
    }

    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
    }
}
