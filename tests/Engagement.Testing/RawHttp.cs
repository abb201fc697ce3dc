using System.Net.Sockets;
using System.Text;

namespace Engagement.Testing;

/// <summary>One response as it came off the socket.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// Sends bytes no HttpClient would send (a NUL in a header, two Content-Lengths, a 10 KB request line) and reads what
/// the server answers, until it closes the connection.
/// </summary>
public static class RawHttp
{
    public static Task<IReadOnlyList<RawResponse>> SendAsync(Uri server, string request) => SendAsync(server, Encoding.Latin1.GetBytes(request));

    public static async Task<IReadOnlyList<RawResponse>> SendAsync(Uri server, byte[] request)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await tcp.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request, timeout.Token);
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
            // A reset after the answer: what arrived is what counts.
        }

        return Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    /// <summary>Responses one after another, each framed by its Content-Length (absent means none) or chunked.</summary>
    public static IReadOnlyList<RawResponse> Parse(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var responses = new List<RawResponse>();
        var at = 0;
        while (at < raw.Length)
        {
            var end = raw.IndexOf("\r\n\r\n", at, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            var lines = raw[at..end].Split("\r\n");
            var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
            at = end + 4;
            string body;
            if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                var sb = new System.Text.StringBuilder();
                while (true)
                {
                    var lineEnd = raw.IndexOf("\r\n", at, StringComparison.Ordinal);
                    var size = Convert.ToInt32(raw[at..lineEnd].Split(';')[0], 16);
                    at = lineEnd + 2;
                    if (size == 0)
                    {
                        at = raw.IndexOf("\r\n", at, StringComparison.Ordinal) + 2;
                        break;
                    }

                    sb.Append(raw, at, size);
                    at += size + 2;
                }

                body = sb.ToString();
            }
            else
            {
                var length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : 0;
                body = raw.Substring(at, Math.Min(length, raw.Length - at));
                at += body.Length;
            }

            responses.Add(new RawResponse(status, headers, body));
        }

        return responses;
    }
}
