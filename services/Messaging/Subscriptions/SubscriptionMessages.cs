using Engagement.Messaging.Delivery;

namespace Engagement.Messaging.Subscriptions;

/// <summary>
/// The messages a subscription change sends: a verification link to a new email address, and a confirmation to a new
/// mobile number, so that whoever holds the address or number can stop what somebody else signed them up for. Each
/// carries a one-click unsubscribe link. They are sent after the change commits; a failure is reported to the resident
/// (who can ask again) rather than undoing what they saved.
/// </summary>
public sealed partial class SubscriptionMessages(IEmailSender email, ISmsSender sms, LinkTokens links, ILogger<SubscriptionMessages> logger)
{
    public const string Sent = "sent";
    public const string Failed = "failed";

    public async Task<string> SendVerificationAsync(string subscriberId, string address, CancellationToken ct)
    {
        var verify = links.VerifyEmailUrl(subscriberId, address);
        var stop = links.UnsubscribeUrl(subscriberId, Channel.Email);
        var body =
            $"""
            Hello,

            Please confirm that you want Nottinghamshire Police neighbourhood alerts at this email address:

            {verify}

            The link works for 48 hours. Until you follow it we will not email you alerts.

            If you did not ask for this, ignore this email, or stop all emails from us here:
            {stop}
            """;
        try
        {
            await email.SendAsync(new EmailMessage(address, "Confirm your email for neighbourhood alerts", body, links.EmailHeaders(subscriberId)), ct);
            return Sent;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, "verification email", e);
            return Failed;
        }
    }

    public async Task<string> SendSmsConfirmationAsync(string subscriberId, string phone, CancellationToken ct)
    {
        var text = $"Notts Police: you will get neighbourhood alerts by text at this number. Not you, or want to stop? {links.UnsubscribeUrl(subscriberId, Channel.Sms)}";
        try
        {
            await sms.SendAsync(new SmsMessage(phone, text), ct);
            return Sent;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, "SMS confirmation", e);
            return Failed;
        }
    }

    // The address is not logged: logs are kept longer than an erased resident's data may be.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send a subscription {What}")]
    private static partial void LogFailed(ILogger logger, string what, Exception e);
}
