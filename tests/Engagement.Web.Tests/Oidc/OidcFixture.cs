using System.Text.RegularExpressions;
using Engagement.ServiceDefaults;
using Microsoft.Playwright;

namespace Engagement.Web.Tests.Oidc;

/// <summary>
/// The real stack signing in through OpenID Connect: the test identity provider, and the console configured as its
/// client with no local signing key (so no demo sign-in). The gateway and the services trust the provider's issuer and
/// take its signing keys from its metadata, as in production; its access tokens last
/// <see cref="AccessTokenLifetime"/>, so a test sees them expire.
/// </summary>
public sealed class OidcFixture : IAsyncLifetime
{
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(15);

    public static readonly IdentityProviderUser Officer = new("oidc-officer", Roles.Neighbourhood, "bulwell");
    public static readonly IdentityProviderUser Refreshing = new("oidc-refreshing", Roles.Neighbourhood, "aspley", "bulwell");
    public static readonly IdentityProviderUser Revoked = new("oidc-revoked", Roles.Neighbourhood, "aspley", "bulwell");

    public TestIdentityProvider Provider { get; private set; } = null!;

    public WebStack Stack { get; private set; } = null!;

    /// <summary>The provider's sign-in page, where the console sends a browser that is not signed in.</summary>
    public Regex ProviderSignIn => new("^" + Regex.Escape(Provider.Issuer.AbsoluteUri + "connect/authorize"));

    public async Task InitializeAsync()
    {
        Provider = await TestIdentityProvider.StartAsync(AccessTokenLifetime, Officer, Refreshing, Revoked);
        var issuer = Provider.Issuer.AbsoluteUri;
        Stack = await WebStack.StartAsync("oidc", apiSettings: new Dictionary<string, string?>
        {
            ["Auth:Authority"] = issuer,
            ["Auth:Issuer"] = issuer,
            ["Auth:Audience"] = TestIdentityProvider.Audience,
        }, webSettings: new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = "",
            ["Auth:SigningKeyFile"] = "",
            ["Auth:Oidc:Authority"] = issuer,
            ["Auth:Oidc:ClientId"] = TestIdentityProvider.ClientId,
            ["Auth:Oidc:ClientSecret"] = Provider.ClientSecret,
            ["Auth:Oidc:Scopes"] = "offline_access",
            ["Auth:Oidc:RoleClaim"] = "role",
            ["Auth:Oidc:RequireHttpsMetadata"] = "false",
            ["Auth:Oidc:RefreshBefore"] = "00:00:05",
        });
        Provider.Client = Stack.Address;

        // The first sign-in warms the console, its discovery of the provider and the provider itself, which on this
        // small machine can take longer than a browser test waits for one page.
        using var client = new HttpClient { BaseAddress = Stack.Address, Timeout = TimeSpan.FromSeconds(60) };
        using var signIn = await client.GetAsync(new Uri("plans", UriKind.Relative));
        Assert.Equal(Provider.Issuer.Authority, signIn.RequestMessage!.RequestUri!.Authority);
    }

    /// <summary>On the provider's sign-in page (where the console sent the browser), types the user name and presses Enter.</summary>
    public async Task SignInAtProviderAsync(IPage page, string username)
    {
        await Assertions.Expect(page).ToHaveURLAsync(ProviderSignIn);
        await page.GetByLabel("User name").FillAsync(username);
        await page.GetByLabel("User name").PressAsync("Enter");
        await page.WaitForURLAsync(url => url.StartsWith(Stack.Address.AbsoluteUri, StringComparison.Ordinal) && !url.Contains("signin-oidc", StringComparison.Ordinal));
        await page.WaitForInteractiveAsync();
    }

    public async Task DisposeAsync()
    {
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }

        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }
    }
}
