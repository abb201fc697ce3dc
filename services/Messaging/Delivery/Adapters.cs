using System.Net.Http.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Polly;
using Polly.Retry;

namespace Engagement.Messaging.Delivery;

/// <summary>
/// Email over SMTP with MailKit (<c>Email:Host</c>, <c>Email:Port</c>, <c>Email:From</c>, <c>Email:Ssl</c> for
/// STARTTLS); locally Debian's aiosmtpd. Each send goes through a Polly pipeline: a short retry with jitter for transient
/// SMTP and socket failures, inside a total timeout. What still fails is retried later by the channel worker, with
/// backoff, up to its attempt limit.
/// </summary>
public sealed class SmtpEmailSender(IConfiguration configuration) : IEmailSender
{
    private readonly ResiliencePipeline _pipeline = new ResiliencePipelineBuilder()
        .AddTimeout(TimeSpan.FromSeconds(configuration.GetValue("Email:TimeoutSeconds", 10) * 3))
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            // A 5xx reply is permanent (a bad mailbox, a refused sender): sending it again at once cannot help.
            ShouldHandle = new PredicateBuilder()
                .Handle<SmtpCommandException>(e => (int)e.StatusCode < 500)
                .Handle<SmtpProtocolException>()
                .Handle<ServiceNotConnectedException>()
                .Handle<System.Net.Sockets.SocketException>()
                .Handle<IOException>(),
        })
        .Build();

    public Task SendAsync(EmailMessage message, CancellationToken ct) =>
        _pipeline.ExecuteAsync(async token => await SendOnceAsync(message, token), ct).AsTask();

    private async Task SendOnceAsync(EmailMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var host = configuration["Email:Host"] ?? throw new InvalidOperationException("Email:Host is not configured.");
        using var mail = new MimeMessage
        {
            Subject = message.Subject,
            Body = new TextPart(MimeKit.Text.TextFormat.Plain) { Text = message.Body },
        };
        mail.From.Add(MailboxAddress.Parse(configuration["Email:From"] ?? "alerts@engagement.example"));
        mail.To.Add(MailboxAddress.Parse(message.To));
        foreach (var (k, v) in message.Headers ?? new Dictionary<string, string>())
        {
            mail.Headers.Add(k, v);
        }

        using var client = new SmtpClient { Timeout = (int)TimeSpan.FromSeconds(configuration.GetValue("Email:TimeoutSeconds", 10)).TotalMilliseconds };
        var security = configuration.GetValue("Email:Ssl", false) ? SecureSocketOptions.StartTls : SecureSocketOptions.None;
        await client.ConnectAsync(host, configuration.GetValue("Email:Port", 25), security, ct);
        await client.SendAsync(mail, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

/// <summary>
/// SMS through the provider's HTTP API (<c>Sms:ProviderUrl</c>): POST /messages with {to, body}. The named client
/// goes through the standard resilience handler from ServiceDefaults (timeouts, circuit breaker); being a POST it is sent
/// once, and the channel worker tries again later.
/// </summary>
public sealed class HttpSmsSender(IHttpClientFactory clients, IConfiguration configuration) : ISmsSender
{
    public const string ClientName = "sms-provider";

    public async Task SendAsync(SmsMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var baseUrl = configuration["Sms:ProviderUrl"] ?? throw new InvalidOperationException("Sms:ProviderUrl is not configured.");
        var client = clients.CreateClient(ClientName);
        using var response = await client.PostAsJsonAsync(new Uri(new Uri(baseUrl), "messages"), new { to = message.To, body = message.Body }, ct);
        response.EnsureSuccessStatusCode();
    }
}
