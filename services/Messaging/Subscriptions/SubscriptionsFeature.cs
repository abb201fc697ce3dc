namespace Engagement.Messaging.Subscriptions;

/// <summary>Resident subscriptions, email verification and one-click unsubscribe: event types, services and endpoints.</summary>
public static class SubscriptionsFeature
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
