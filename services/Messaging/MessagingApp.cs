namespace Engagement.Messaging;

/// <summary>Names this service's assembly for hosts and tests (WebApplicationFactory needs a type from the entry assembly).</summary>
public sealed class MessagingApp
{
    public const string Name = "messaging";
    public const int DefaultPort = 8102;
}
