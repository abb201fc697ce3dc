namespace Engagement.Web;

/// <summary>Names the console's assembly for hosts and tests (WebApplicationFactory needs a type from the entry assembly).</summary>
public sealed class WebApp
{
    public const string Name = "web";
    public const int DefaultPort = 8105;
}
