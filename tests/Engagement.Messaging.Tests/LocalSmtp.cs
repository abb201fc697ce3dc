using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Engagement.Messaging.Tests;

/// <summary>
/// A real SMTP server process (Debian's python3-aiosmtpd) writing what it receives to a Maildir, so tests read the
/// emails that really crossed the wire. Debian's python is used because the aiosmtpd package installs for it.
/// </summary>
public sealed class LocalSmtp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _maildir;

    private LocalSmtp(Process process, string maildir, int port)
    {
        _process = process;
        _maildir = maildir;
        Port = port;
    }

    public int Port { get; }

    public static async Task<LocalSmtp> StartAsync()
    {
        var port = FreePort();
        var maildir = Path.Combine(Path.GetTempPath(), "engage-smtp-" + Guid.NewGuid().ToString("N"), "box");
        // aiosmtpd creates the Maildir itself but not its parent.
        Directory.CreateDirectory(Path.GetDirectoryName(maildir)!);
        var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("python3 -m aiosmtpd did not start; is python3-aiosmtpd installed (infra/infra.sh installs it)?");
        var smtp = new LocalSmtp(process, maildir, port);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return smtp;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public sealed record Mail(string To, string Subject, string Text, IReadOnlyDictionary<string, string> Headers);

    /// <summary>Every message received so far, with headers and the decoded text body.</summary>
    public IReadOnlyList<Mail> Received()
    {
        var files = new[] { "new", "cur" }.Select(d => Path.Combine(_maildir, d)).Where(Directory.Exists).SelectMany(Directory.GetFiles);
        return files.Select(Parse).ToList();
    }

    private static Mail Parse(string file)
    {
        var message = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var split = message.IndexOf("\n\n", StringComparison.Ordinal);
        var headerText = message[..split].Replace("\n ", " ", StringComparison.Ordinal).Replace("\n\t", " ", StringComparison.Ordinal);
        var headers = headerText.Split('\n').Where(l => l.Contains(':', StringComparison.Ordinal))
            .GroupBy(l => l[..l.IndexOf(':', StringComparison.Ordinal)].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First()[(g.First().IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = message[(split + 2)..];
        if (headers.TryGetValue("Content-Transfer-Encoding", out var enc) && enc.Equals("base64", StringComparison.OrdinalIgnoreCase))
        {
            body = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Split('\n'))));
        }
        else if (headers.TryGetValue("Content-Transfer-Encoding", out enc) && enc.Equals("quoted-printable", StringComparison.OrdinalIgnoreCase))
        {
            body = DecodeQuotedPrintable(body);
        }

        return new Mail(headers.GetValueOrDefault("To") ?? "", DecodeHeader(headers.GetValueOrDefault("Subject") ?? ""), body, headers);
    }

    private static string DecodeQuotedPrintable(string text)
    {
        var bytes = new List<byte>();
        var t = text.Replace("=\n", "", StringComparison.Ordinal);
        for (var i = 0; i < t.Length; i++)
        {
            if (t[i] == '=' && i + 2 < t.Length && Uri.IsHexDigit(t[i + 1]) && Uri.IsHexDigit(t[i + 2]))
            {
                bytes.Add(Convert.ToByte(t.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(t[i].ToString()));
            }
        }

        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static string DecodeHeader(string value)
    {
        // RFC 2047 encoded words, as .NET writes them for non-ASCII subjects: =?utf-8?B?...?=
        return System.Text.RegularExpressions.Regex.Replace(value, @"=\?utf-8\?([BbQq])\?([^?]*)\?=", m =>
            m.Groups[1].Value is "B" or "b"
                ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[2].Value))
                : DecodeQuotedPrintable(m.Groups[2].Value.Replace('_', ' ')));
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
