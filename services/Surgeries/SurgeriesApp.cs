namespace Engagement.Surgeries;

/// <summary>Names this service's assembly for hosts and tests (WebApplicationFactory needs a type from the entry assembly).</summary>
public sealed class SurgeriesApp
{
    public const string Name = "surgeries";
    public const int DefaultPort = 8101;
}
