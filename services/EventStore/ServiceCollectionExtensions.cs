using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engagement.EventStore;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store, migrates its schema at startup and runs its subscriptions (async projections and the relay,
    /// added as <see cref="ISubscription"/>s) on the single active runner.
    /// </summary>
    public static IServiceCollection AddEventStore(this IServiceCollection services, Func<IServiceProvider, EventStoreOptions> options, Action<EventStore>? configure = null)
    {
        services.AddSingleton(sp =>
        {
            var store = new EventStore(options(sp));
            configure?.Invoke(store);
            return store;
        });
        services.AddHostedService<SchemaMigrator>();
        services.AddSingleton<SubscriptionRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<SubscriptionRunner>());
        return services;
    }

    public static IServiceCollection AddAsyncProjection(this IServiceCollection services, IProjection projection) =>
        services.AddSingleton<ISubscription>(new AsyncProjection(projection));

    private sealed class SchemaMigrator(EventStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
