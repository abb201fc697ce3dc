namespace Engagement.Messaging.Delivery;

public static class Channel
{
    public const string InApp = "in-app";
    public const string Email = "email";
    public const string Sms = "sms";
    public static readonly string[] All = [InApp, Email, Sms];
}

public sealed record EmailMessage(string To, string Subject, string Body, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>Sends one email; throws on failure (the caller records the reason and retries per its policy).</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

public sealed record SmsMessage(string To, string Body);

/// <summary>Sends one SMS through the provider's HTTP API; throws on failure.</summary>
public interface ISmsSender
{
    Task SendAsync(SmsMessage message, CancellationToken ct);
}
