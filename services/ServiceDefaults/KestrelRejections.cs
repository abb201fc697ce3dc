using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace Engagement.ServiceDefaults;

/// <summary>
/// Gives problem+json bodies to the HTTP/1.x requests Kestrel refuses before any application code runs: a request line
/// over <c>MaxRequestLineSize</c> (414), headers over <c>MaxRequestHeadersTotalSize</c> or <c>MaxRequestHeaderCount</c>
/// (431), and framing that is not HTTP (400: CR, LF or NUL in a header, a non-ASCII header, <c>%00</c> in the path,
/// two Content-Length headers). Kestrel answers those with an empty body and no content type, and offers no hook: the
/// request never reaches middleware. So a connection middleware watches what Kestrel writes to the socket, and rewrites
/// only an error head that no request in the application started (the application marks each request it sees), has
/// Content-Length 0, and is written whole; anything else passes through untouched. HTTP/2 and HTTP/3 refuse such
/// requests with stream or connection errors, which have no body to give.
/// </summary>
public static class KestrelRejections
{
    /// <summary>Installs the connection middleware on every endpoint Kestrel binds.</summary>
    public static void Install(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => connection =>
        {
            var marker = new Marker();
            connection.Features.Set(marker);
            connection.Transport = new RewritingPipe(connection.Transport, marker, kestrel.Limits);
            return next(connection);
        }));
    }

    /// <summary>Marks that the application saw this request, so whatever head is written next is the application's.</summary>
    public static IApplicationBuilder UseKestrelRejectionMarker(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Features.Get<Marker>() is { } marker)
        {
            marker.ApplicationResponds = true;
        }

        return next(context);
    });

    /// <summary>The problem+json body for a status Kestrel gave, naming the limit where there is one.</summary>
    public static string Body(int status, KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var (title, detail) = status switch
        {
            400 => ("The request could not be read.",
                "The request line or headers are not valid HTTP/1.1: for example CR, LF or NUL in a header, a header that is not ASCII, %00 in the path, or two Content-Length headers."),
            408 => ("The request headers did not arrive in time.", "Send the whole request line and headers promptly."),
            414 => ("The request line is too long.",
                string.Create(CultureInfo.InvariantCulture, $"The method, path and query together may be at most {limits.MaxRequestLineSize:N0} bytes.")),
            431 => ("The request headers are too large.",
                string.Create(CultureInfo.InvariantCulture, $"At most {limits.MaxRequestHeaderCount} headers of at most {limits.MaxRequestHeadersTotalSize:N0} bytes in total.")),
            _ => (ReasonPhrases.GetReasonPhrase(status), "The server refused the request before reading it."),
        };
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = Problems.TypeBase + Problems.Slug(status),
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        });
    }

    /// <summary>The rewritten response, or null when <paramref name="head"/> is not a bodiless error head written whole.</summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> head, KestrelServerLimits limits)
    {
        const string ContentLengthZero = "\r\nContent-Length: 0\r\n";
        if (head.Length < 16 || head.Length > 4096 || !head.StartsWith("HTTP/1."u8) || !head.EndsWith("\r\n\r\n"u8)
            || head[9] is not ((byte)'4' or (byte)'5') || head.IndexOf(Encoding.ASCII.GetBytes(ContentLengthZero)) < 0)
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(head);
        if (!int.TryParse(text.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return null;
        }

        var body = Encoding.UTF8.GetBytes(Body(status, limits));
        var rewritten = text.Replace(ContentLengthZero,
            string.Create(CultureInfo.InvariantCulture, $"\r\nContent-Length: {body.Length}\r\nContent-Type: application/problem+json\r\n"), StringComparison.Ordinal);
        return [.. Encoding.ASCII.GetBytes(rewritten), .. body];
    }

    /// <summary>Set by the application for each request it sees; cleared when that request's response head goes out.</summary>
    public sealed class Marker
    {
        public volatile bool ApplicationResponds;
    }

    private sealed class RewritingPipe(IDuplexPipe inner, Marker marker, KestrelServerLimits limits) : IDuplexPipe
    {
        public PipeReader Input { get; } = inner.Input;

        public PipeWriter Output { get; } = new RewritingWriter(inner.Output, marker, limits);
    }

    /// <summary>Passes every write through as it is, except a rejection head, which it replaces before it is committed.</summary>
    private sealed class RewritingWriter(PipeWriter inner, Marker marker, KestrelServerLimits limits) : PipeWriter
    {
        private Memory<byte> _last;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _last = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            var written = _last.Span[..Math.Min(bytes, _last.Length)];
            if (written.StartsWith("HTTP/1."u8) && written.Length > 9 && written[9] != (byte)'1')
            {
                if (marker.ApplicationResponds)
                {
                    marker.ApplicationResponds = false;
                }
                else if (Rewrite(written, limits) is { } rewritten)
                {
                    // Nothing was committed yet, so the head Kestrel wrote is simply not advanced over.
                    rewritten.CopyTo(inner.GetSpan(rewritten.Length));
                    inner.Advance(rewritten.Length);
                    _last = default;
                    return;
                }
            }

            _last = default;
            inner.Advance(bytes);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;
    }
}
