namespace Engagement.Plans;

/// <summary>Names this service's assembly for hosts and tests (WebApplicationFactory needs a type from the entry assembly).</summary>
public sealed class PlansApp
{
    public const string Name = "plans";
    public const int DefaultPort = 8104;
}
