namespace Engagement.Gateway;

/// <summary>Names the gateway's assembly for hosts and tests (WebApplicationFactory needs a type from the entry assembly).</summary>
public sealed class GatewayApp
{
    public const int DefaultPort = 8080;
}
