using System.Net.Http.Json;
using System.Net.Mail;
using System.Text;

namespace Engagement.Messaging.Delivery;

/// <summary>Email over SMTP (<c>Email:Host</c>, <c>Email:Port</c>, <c>Email:From</c>). Locally that is Debian's aiosmtpd.</summary>
public sealed class SmtpEmailSender(IConfiguration configuration) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var host = configuration["Email:Host"] ?? throw new InvalidOperationException("Email:Host is not configured.");
        using var client = new SmtpClient(host, configuration.GetValue("Email:Port", 25))
        {
            EnableSsl = configuration.GetValue("Email:Ssl", false),
            Timeout = (int)TimeSpan.FromSeconds(configuration.GetValue("Email:TimeoutSeconds", 10)).TotalMilliseconds,
        };
        using var mail = new MailMessage(configuration["Email:From"] ?? "alerts@engagement.example", message.To, message.Subject, message.Body)
        {
            BodyEncoding = Encoding.UTF8,
            SubjectEncoding = Encoding.UTF8,
        };
        foreach (var (k, v) in message.Headers ?? new Dictionary<string, string>())
        {
            mail.Headers.Add(k, v);
        }

        await client.SendMailAsync(mail, ct);
    }
}

/// <summary>
/// SMS through the provider's HTTP API (<c>Sms:ProviderUrl</c>): POST /messages with {to, body}. The named client
/// goes through the Polly handler (timeout, retry with jitter, circuit breaker) from ServiceDefaults.
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
