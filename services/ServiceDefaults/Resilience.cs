using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace Engagement.ServiceDefaults;

public static class ResilienceExtensions
{
    /// <summary>
    /// A named HttpClient behind Microsoft.Extensions.Http.Resilience's standard handler: a total timeout, retries with
    /// jittered exponential backoff on transient failures, a circuit breaker, and a timeout per attempt.
    /// </summary>
    public static IHttpClientBuilder AddResilientHttpClient(this IServiceCollection services, string name, TimeSpan? total = null, TimeSpan? perTry = null, int retries = 3)
    {
        var client = services.AddHttpClient(name);
        client.AddStandardResilienceHandler(o =>
        {
            o.TotalRequestTimeout.Timeout = total ?? TimeSpan.FromSeconds(30);
            o.AttemptTimeout.Timeout = perTry ?? TimeSpan.FromSeconds(10);
            o.Retry.MaxRetryAttempts = retries;
            o.Retry.Delay = TimeSpan.FromMilliseconds(200);
            // A POST, PUT, PATCH or DELETE that timed out or failed may still have taken effect on the server, so it is
            // sent once; the caller (the SMS worker, say) decides whether to try again later.
            o.Retry.DisableForUnsafeHttpMethods();
            // The standard breaker waits for 100 calls in 30 seconds; our providers see far fewer, so it would never open.
            o.CircuitBreaker.MinimumThroughput = 10;
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(15);
        });
        return client;
    }
}
