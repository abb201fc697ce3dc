using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Engagement.ServiceDefaults;

/// <summary>
/// Outgoing HTTP resilience with Polly.Core (Polly.Extensions and Microsoft.Extensions.Http.Resilience are not served):
/// a total timeout, retries with jittered backoff on transient failures, a circuit breaker, and a per-try timeout.
/// </summary>
public sealed class ResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline, ResiliencePipeline<HttpResponseMessage>? withoutRetry = null) : DelegatingHandler
{
    private static readonly ResiliencePipeline<HttpResponseMessage> WithoutRetry = CreatePipeline(retries: 0);

    public static ResiliencePipeline<HttpResponseMessage> CreatePipeline(TimeSpan? total = null, TimeSpan? perTry = null, int retries = 3)
    {
        if (retries == 0)
        {
            return new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddCircuitBreaker(BreakerOptions())
                .AddTimeout(perTry ?? TimeSpan.FromSeconds(10))
                .Build();
        }

        return new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddTimeout(total ?? TimeSpan.FromSeconds(30))
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = args => ValueTask.FromResult(Transient(args.Outcome)),
            })
            .AddCircuitBreaker(BreakerOptions())
            .AddTimeout(perTry ?? TimeSpan.FromSeconds(10))
            .Build();
    }

    private static bool Transient(Outcome<HttpResponseMessage> o) =>
        o.Exception is HttpRequestException or TimeoutRejectedException
        || o.Result?.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || (int?)o.Result?.StatusCode >= 500;

    private static CircuitBreakerStrategyOptions<HttpResponseMessage> BreakerOptions() => new()
    {
        FailureRatio = 0.5,
        MinimumThroughput = 10,
        SamplingDuration = TimeSpan.FromSeconds(30),
        BreakDuration = TimeSpan.FromSeconds(15),
        ShouldHandle = args => ValueTask.FromResult(Transient(args.Outcome)),
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A request body can be sent only once, so requests with one get the timeout and circuit breaker but no retry.
        var chosen = request.Content is null ? pipeline : withoutRetry ?? WithoutRetry;
        return await chosen.ExecuteAsync(async ct => await base.SendAsync(request, ct), cancellationToken);
    }
}

public static class ResilienceExtensions
{
    /// <summary>A named HttpClient whose calls go through the resilience pipeline.</summary>
    public static IHttpClientBuilder AddResilientHttpClient(this IServiceCollection services, string name, TimeSpan? total = null, TimeSpan? perTry = null, int retries = 3)
    {
        var pipeline = ResilienceHandler.CreatePipeline(total, perTry, retries);
        var withoutRetry = ResilienceHandler.CreatePipeline(total, perTry, retries: 0);
        return services.AddHttpClient(name).AddHttpMessageHandler(() => new ResilienceHandler(pipeline, withoutRetry));
    }
}
