using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Engagement.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Engagement.ServiceDefaults.Tests;

/// <summary>
/// A real OTLP/HTTP receiver on Kestrel: it keeps the body of every protobuf POST to <c>/v1/traces</c> and accepts
/// (and drops) the other signals.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<byte[]> Traces { get; } = new();

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var receiver = new OtlpReceiver(builder.Build());
        receiver._app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            if (request.ContentType != "application/x-protobuf")
            {
                return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
            }

            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (signal == "traces")
            {
                receiver.Traces.Enqueue(body.ToArray());
            }

            // An empty Export*ServiceResponse: everything was accepted.
            return Results.Bytes([], "application/x-protobuf");
        });
        await receiver._app.StartAsync();
        receiver.Endpoint = new Uri(receiver._app.Urls.First());
        return receiver;
    }

    /// <summary>Every span received so far, read from the ExportTraceServiceRequest bodies.</summary>
    public IReadOnlyList<OtlpSpan> Spans() => Traces.SelectMany(OtlpSpan.Read).ToList();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>The fields of an OTLP span this test looks at, with the service.name of the resource that sent it.</summary>
public sealed record OtlpSpan(string Service, ActivityTraceId TraceId, string Name, int Kind)
{
    public const int Server = 2;

    // Field numbers from opentelemetry/proto/trace/v1/trace.proto and common/resource protos.
    public static IEnumerable<OtlpSpan> Read(byte[] request)
    {
        foreach (var resourceSpans in Protobuf.Messages(request, 1))
        {
            var service = Protobuf.Messages(resourceSpans, 1)
                .SelectMany(resource => Protobuf.Messages(resource, 1))
                .Where(attribute => Protobuf.Text(attribute, 1) == "service.name")
                .Select(attribute => Protobuf.Messages(attribute, 2).Select(value => Protobuf.Text(value, 1)).FirstOrDefault())
                .FirstOrDefault() ?? "";
            foreach (var span in Protobuf.Messages(resourceSpans, 2).SelectMany(scopeSpans => Protobuf.Messages(scopeSpans, 2)))
            {
                var traceId = Protobuf.Messages(span, 1).Single();
                yield return new OtlpSpan(service, ActivityTraceId.CreateFromBytes(traceId), Protobuf.Text(span, 5) ?? "", (int)Protobuf.Varint(span, 6));
            }
        }
    }

    /// <summary>Just enough of the protobuf wire format to walk an OTLP request: varints and length-delimited fields.</summary>
    private static class Protobuf
    {
        public static IEnumerable<byte[]> Messages(byte[] message, int field) =>
            Fields(message).Where(f => f.Field == field && f.Bytes is not null).Select(f => f.Bytes!);

        public static string? Text(byte[] message, int field) =>
            Messages(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b)).FirstOrDefault();

        public static ulong Varint(byte[] message, int field) =>
            Fields(message).Where(f => f.Field == field && f.Bytes is null).Select(f => f.Value).FirstOrDefault();

        private static List<(int Field, ulong Value, byte[]? Bytes)> Fields(byte[] message)
        {
            var fields = new List<(int, ulong, byte[]?)>();
            var i = 0;
            while (i < message.Length)
            {
                var tag = ReadVarint(message, ref i);
                var field = (int)(tag >> 3);
                switch (tag & 7)
                {
                    case 0:
                        fields.Add((field, ReadVarint(message, ref i), null));
                        break;
                    case 1:
                        i += 8;
                        break;
                    case 2:
                        var length = (int)ReadVarint(message, ref i);
                        fields.Add((field, 0, message[i..(i + length)]));
                        i += length;
                        break;
                    case 5:
                        i += 4;
                        break;
                    default:
                        throw new InvalidDataException($"Wire type {tag & 7} is not used by OTLP.");
                }
            }

            return fields;
        }

        private static ulong ReadVarint(byte[] message, ref int i)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = message[i++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
    }
}

/// <summary>Spans really leave the process: OTLP over HTTP/protobuf to a receiver in the test.</summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private OtlpReceiver? _receiver;
    private TestApp? _app;

    public async Task InitializeAsync()
    {
        _receiver = await OtlpReceiver.StartAsync();
        _app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiver.Endpoint.ToString().TrimEnd('/'),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                // Export within a tenth of a second rather than the default five.
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            },
            builder => builder.AddServiceDefaults("test-otlp"),
            app =>
            {
                app.UseServiceDefaults();
                app.MapGet("/surgeries/{id:guid}", (Guid id) => Results.Ok(new { id })).AllowAnonymous();
            });
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }

    [Fact]
    public async Task a_request_s_server_span_is_exported_over_otlp_with_its_trace_id_and_route_name()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var client = _app!.Client(handler: new SocketsHttpHandler { ActivityHeadersPropagator = null });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/surgeries/{Guid.NewGuid()}", UriKind.Relative));
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var spans = await TestInfrastructure.EventuallyAsync(
            () => Task.FromResult(_receiver!.Spans().Where(s => s.TraceId == traceId).ToList()),
            found => found.Count > 0,
            TimeSpan.FromSeconds(20),
            what: "the request's span at the OTLP receiver");

        var span = Assert.Single(spans);
        Assert.Equal("GET /surgeries/{id:guid}", span.Name);
        Assert.Equal(OtlpSpan.Server, span.Kind);
        Assert.Equal("test-otlp", span.Service);
    }
}
