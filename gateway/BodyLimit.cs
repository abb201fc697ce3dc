using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Engagement.ServiceDefaults;
using Microsoft.AspNetCore.Mvc;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Engagement.Gateway;

/// <summary>
/// The gateway's request body limit (Kestrel's MaxRequestBodySize, <c>Limits:MaxRequestBodyBytes</c>), answered as 413
/// naming the limit, and a body the client sent badly answered as 400, never as the service's fault.
/// </summary>
internal static class BodyLimit
{
    /// <summary>
    /// A route's own limit (<c>Gateway:LargeBodyRoutes</c>, such as the census import) replaces the default for that
    /// request, before either check below reads it: YARP keeps the route's value in its configuration but does not
    /// apply it to the request on its own.
    /// </summary>
    public static Task ApplyRouteLimit(HttpContext context, Func<Task> next)
    {
        if (context.GetReverseProxyFeature().Route.Config.MaxRequestBodySize is { } routeLimit
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = routeLimit;
        }

        return next();
    }

    /// <summary>A declared Content-Length over the limit is refused before anything is sent to a service.</summary>
    public static Task RejectDeclaredOversize(HttpContext context, Func<Task> next)
    {
        if (Limit(context) is { } limit && context.Request.ContentLength > limit)
        {
            // Kestrel closes the connection after this answer, as the rest of the body is not read.
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return context.RequestServices.GetRequiredService<IProblemDetailsService>()
                .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = TooLarge(limit) }).AsTask();
        }

        return next();
    }

    /// <summary>
    /// A body sent without a Content-Length (chunked) is limited here instead of by Kestrel. Kestrel, over its limit,
    /// stops reading and closes the connection with the rest of the upload unread; the kernel then resets it, and the
    /// client, still sending, never sees the answer. Limited here, the forwarding stops at the limit, the 413 goes out,
    /// and Kestrel drains what is left (for a few seconds at most) before the connection is reused or closed.
    /// </summary>
    public static Task LimitStreamedBodies(HttpContext context, Func<Task> next)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true
            && feature is { IsReadOnly: false, MaxRequestBodySize: { } limit })
        {
            feature.MaxRequestBodySize = null;
            context.Request.Body = new LimitedStream(context.Request.Body, limit);
        }

        return next();
    }

    /// <summary>
    /// The problem when forwarding failed because of the client's body: over the limit while it streamed (a chunked
    /// upload has no Content-Length to check first), or not valid HTTP framing. Null when the failure was not the client's.
    /// </summary>
    public static ProblemDetails? ClientBodyProblem(HttpContext context, IForwarderErrorFeature error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        var bad = Find(error.Exception);
        if (bad?.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(Limit(context));
        }

        if (bad is null && error.Error != ForwarderError.RequestBodyClient)
        {
            return null;
        }

        return new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Type = Problems.TypeBase + "bad-request",
            Title = "The request body could not be read.",
            // Kestrel's messages name the framing fault ("Bad chunk size data.") and nothing internal.
            Detail = bad is null ? "The body ended early or was not valid HTTP framing." : bad.Message,
        };
    }

    private static long? Limit(HttpContext context) =>
        context.Request.Body is LimitedStream limited ? limited.Limit : context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;

    private static ProblemDetails TooLarge(long? limit)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Type = Problems.TypeBase + Problems.Slug(StatusCodes.Status413PayloadTooLarge),
            Title = "The request body is too large.",
            Detail = limit is { } l
                ? string.Create(CultureInfo.InvariantCulture, $"The gateway accepts request bodies of at most {l:N0} bytes.")
                : "The request body is larger than the gateway accepts.",
        };
        if (limit is not null)
        {
            problem.Extensions["limitBytes"] = limit;
        }

        return problem;
    }

    private static BadHttpRequestException? Find(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException bad)
            {
                return bad;
            }
        }

        return null;
    }

    /// <summary>Reads through to the request body until <see cref="Limit"/> bytes, then fails as Kestrel would (413).</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public long Limit { get; } = limit;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            return Count(n);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        private int Count(int n)
        {
            _read += n;
            return _read > Limit
                ? throw new BadHttpRequestException(string.Create(CultureInfo.InvariantCulture, $"The request body is larger than {Limit:N0} bytes."), StatusCodes.Status413PayloadTooLarge)
                : n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
