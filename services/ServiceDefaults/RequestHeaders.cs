using Microsoft.AspNetCore.Builder;

namespace Engagement.ServiceDefaults;

/// <summary>A request header an endpoint reads, declared where the endpoint is mapped so its OpenAPI operation lists it.</summary>
/// <param name="Name">The header's name.</param>
/// <param name="Required">Whether the endpoint refuses a request without it.</param>
/// <param name="Description">What the header is for, as the API reference shows it.</param>
public sealed record RequestHeader(string Name, bool Required, string Description)
{
    public const string IfMatch = "If-Match";
    public const string IdempotencyKey = "Idempotency-Key";
    public const string AccessReason = "X-Access-Reason";
}

/// <summary>
/// The headers an endpoint reads (<see cref="Requests"/> reads them). Declared on the endpoint, they become header
/// parameters of its operation, and the answers they lead to (400, 412, 428) its documented responses.
/// </summary>
public static class RequestHeaders
{
    /// <summary>
    /// The endpoint reads If-Match: a stale version is 412, and when <paramref name="required"/> a request without one is 428.
    /// </summary>
    public static TBuilder WithIfMatch<TBuilder>(this TBuilder builder, bool required = false) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestHeader(RequestHeader.IfMatch, required, required
            ? "The ETag you last read (such as \"3\"). Required: a change made meanwhile by somebody else answers 412."
            : "The ETag you last read (such as \"3\"). When sent, a change made meanwhile by somebody else answers 412."));

    /// <summary>The endpoint creates, and the same Idempotency-Key from the same caller names the same resource.</summary>
    public static TBuilder WithIdempotencyKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestHeader(RequestHeader.IdempotencyKey, false,
            "At most 200 printable characters. A repeated request with the same key gets the first answer instead of making a second resource."));

    /// <summary>The endpoint reads personal data and records why: <c>X-Access-Reason</c> (or <c>?reason=</c>).</summary>
    public static TBuilder WithAccessReason<TBuilder>(this TBuilder builder, bool required = true) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestHeader(RequestHeader.AccessReason, false, required
            ? "Why you are reading this personal data (or ?reason=); required one way or the other, and kept in the audit log."
            : "Why you are changing this personal data; kept in the audit log (a default reason is recorded without it)."));
}
