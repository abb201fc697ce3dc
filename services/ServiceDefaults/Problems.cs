using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engagement.ServiceDefaults;

/// <summary>
/// A business rule said no. Endpoints throw these (or return them) and the problem-details handler maps them to
/// 400/404/409/412 with a stable type. Never used for bugs: those are 500s.
/// </summary>
public class DomainException(int status, string type, string title, string? detail = null, IDictionary<string, string[]>? errors = null)
    : Exception(detail ?? title)
{
    public int Status { get; } = status;

    /// <summary>A stable, documented identifier of the problem kind, such as <c>officer-clash</c>.</summary>
    public string ProblemType { get; } = type;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public IDictionary<string, string[]>? Errors { get; } = errors;
    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();
}

public sealed class ValidationFailedException(IDictionary<string, string[]> errors, string? detail = null)
    : DomainException(StatusCodes.Status400BadRequest, "validation", "The request has invalid fields.", detail ?? "See errors for each field.", errors);

public sealed class NotFoundException(string what, string id)
    : DomainException(StatusCodes.Status404NotFound, "not-found", $"{what} not found.", $"No {what.ToLowerInvariant()} has the id '{id}'.");

public sealed class ConflictException(string type, string title, string? detail = null)
    : DomainException(StatusCodes.Status409Conflict, type, title, detail);

public static partial class Problems
{
    public const string TypeBase = "https://engagement.example/problems/";

    public static void AddProblemResponses(this IServiceCollection services)
    {
        // Registered before AddProblemDetails adds the framework's writer, so it is the writer chosen. The framework's
        // writer declines when the client accepts only text/html (say), and then a 404 became an empty 500, 401 and
        // 403 fell back to text/plain and a 400 went out with no body: every error is problem+json, whatever Accept says.
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var problem = ctx.ProblemDetails;
            problem.Instance ??= ctx.HttpContext.Request.Path;
            problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? ctx.HttpContext.TraceIdentifier;
            if (problem.Type is null or "" || problem.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
            {
                problem.Type = TypeBase + Slug(problem.Status);
            }

            // Never a stack trace or exception text in a response: the trace id leads to the log line instead.
            problem.Extensions.Remove("exception");
        });
        services.AddExceptionHandler<DomainExceptionHandler>();
        // Malformed JSON and bodies that do not bind surface as BadHttpRequestException, which the handler maps to 400
        // with a clear detail instead of an empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower));
            InputRules.AddTo(o.SerializerOptions);
        });
    }

    public static void UseProblemResponses(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        // Empty-bodied 4xx/5xx (unknown route, wrong method, 401, 403, 415) become problem+json too.
        app.UseStatusCodePages();
    }

    public static string Slug(int? status) => status switch
    {
        400 => "bad-request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        409 => "conflict",
        412 => "precondition-failed",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        428 => "precondition-required",
        429 => "too-many-requests",
        502 => "bad-gateway",
        503 => "service-unavailable",
        504 => "gateway-timeout",
        _ => "server-error",
    };

    /// <summary>Writes every problem as application/problem+json, whatever the request's Accept header asks for.</summary>
    private sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context) => true;

        public ValueTask WriteAsync(ProblemDetailsContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            var http = context.HttpContext;
            var problem = context.ProblemDetails;
            problem.Status ??= http.Response.StatusCode;
            problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
            options.Value.CustomizeProblemDetails?.Invoke(context);
            return new ValueTask(http.Response.WriteAsJsonAsync(problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json", http.RequestAborted));
        }
    }

    private sealed partial class DomainExceptionHandler(IProblemDetailsService problems, ILogger<DomainExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            var problem = exception switch
            {
                DomainException d => FromDomain(d),
                BadHttpRequestException { InnerException: System.Text.Json.JsonException { InnerException: InputRules.RejectedValueException r } j } =>
                    FromDomain(new ValidationFailedException(new Dictionary<string, string[]> { [InputRules.Field(j.Path)] = [r.Message] })),
                Engagement.MartenAdditions.StaleVersionException c => new ProblemDetails
                {
                    Status = StatusCodes.Status412PreconditionFailed,
                    Type = TypeBase + "stale-version",
                    Title = "The resource has changed since you read it.",
                    Detail = $"If-Match named version {c.Expected}; it is now at version {c.Actual}. Read it again and retry.",
                },
                Engagement.MartenAdditions.WriteConflictException or JasperFx.ConcurrencyException => new ProblemDetails
                {
                    Status = StatusCodes.Status409Conflict,
                    Type = TypeBase + "concurrent-change",
                    Title = "Somebody else changed this at the same moment.",
                    Detail = "Read it again and retry.",
                },
                Engagement.MartenAdditions.SubjectErasedException => new ProblemDetails
                {
                    Status = StatusCodes.Status410Gone,
                    Type = TypeBase + "erased",
                    Title = "This person's data has been erased.",
                    Detail = "Their record can no longer be read or changed.",
                },
                BadHttpRequestException b => new ProblemDetails
                {
                    Status = b.StatusCode,
                    Type = TypeBase + Slug(b.StatusCode),
                    Title = b.StatusCode == 413 ? "The request body is too large." : "The request could not be read.",
                    Detail = b.StatusCode == 413 ? b.Message : BadRequestDetail(b),
                },
                _ => null,
            };

            if (problem is null)
            {
                LogUnhandled(logger, exception);
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Type = TypeBase + "server-error",
                    Title = "Something went wrong on our side.",
                    Detail = "The error has been logged. Quote the trace id if you report it.",
                };
            }

            httpContext.Response.StatusCode = problem.Status!.Value;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
        }

        private static string BadRequestDetail(BadHttpRequestException b) =>
            b.InnerException is System.Text.Json.JsonException j
                ? $"The body is not valid JSON for this request ({j.Path ?? "$"}, line {j.LineNumber + 1})."
                : b.Message.Replace("\"", "'", StringComparison.Ordinal);

        private static ProblemDetails FromDomain(DomainException d)
        {
            var p = d.Errors is null
                ? new ProblemDetails()
                : new HttpValidationProblemDetails(d.Errors);
            p.Status = d.Status;
            p.Type = TypeBase + d.ProblemType;
            p.Title = d.Title;
            p.Detail = d.Detail;
            foreach (var (k, v) in d.Extensions)
            {
                p.Extensions[k] = v;
            }

            return p;
        }

        [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
        private static partial void LogUnhandled(ILogger logger, Exception e);
    }
}
