namespace Engagement.Profiles;

/// <summary>Names this service's assembly for hosts and tests (WebApplicationFactory needs a type from the entry assembly).</summary>
public sealed class ProfilesApp
{
    public const string Name = "profiles";
    public const int DefaultPort = 8103;
}
