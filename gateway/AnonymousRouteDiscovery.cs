using System.Text.Json;
using Engagement.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;

namespace Engagement.Gateway;

/// <summary>
/// Learns which routes each service answers without a token, from the service itself (<see cref="AnonymousRoutes.Path"/>,
/// computed from where its endpoints are mapped), at start-up and then every <c>Gateway:AnonymousRoutesRefreshSeconds</c>.
/// Until a service has answered, its routes all need a token: unknown is closed.
/// </summary>
internal sealed partial class AnonymousRouteDiscovery(
    InMemoryConfigProvider proxy, IHttpClientFactory clients, IConfiguration configuration, ILogger<AnonymousRouteDiscovery> logger) : BackgroundService
{
    public const string Client = "anonymous-routes";

    private readonly SortedDictionary<string, IReadOnlyList<AnonymousRoute>> _known = new(StringComparer.Ordinal);
    private string _applied = "";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // One round before the gateway takes requests, so public routes are open from the first request when the
        // services are already up (as in tests); under ./engage up they start alongside, and ExecuteAsync catches up.
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var refresh = TimeSpan.FromSeconds(configuration.GetValue("Gateway:AnonymousRoutesRefreshSeconds", 30));
        while (!stoppingToken.IsCancellationRequested)
        {
            // A service that has not answered yet is probably still starting: ask again soon.
            var wait = _known.Count < Gateway.Services(configuration).Count ? TimeSpan.FromSeconds(1) : refresh;
            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await RefreshAsync(stoppingToken);
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        var client = clients.CreateClient(Client);
        await Task.WhenAll(Gateway.Services(configuration).Select(async s =>
        {
            try
            {
                var list = await client.GetFromJsonAsync<AnonymousRouteList>(new Uri(new Uri(s.Value), AnonymousRoutes.Path), ct);
                lock (_known)
                {
                    _known[s.Key.ToLowerInvariant()] = list?.Routes ?? [];
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                // What it said last still holds: a service restarting must not close its public routes, nor open others.
                LogNotLearnt(logger, s.Key, e.Message);
            }
        }));

        var key = JsonSerializer.Serialize(_known);
        if (key == _applied)
        {
            return;
        }

        proxy.Update(Gateway.Routes(configuration, _known), Gateway.Clusters(configuration));
        _applied = key;
        LogLearnt(logger, string.Join("; ", _known.Select(k => $"{k.Key}: {k.Value.Count}")));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not learn the anonymous routes of {Service} yet: {Reason}")]
    private static partial void LogNotLearnt(ILogger logger, string service, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Anonymous routes learnt from the services ({Counts})")]
    private static partial void LogLearnt(ILogger logger, string counts);
}
