using System.Text.RegularExpressions;
using Engagement.Web.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Playwright;

namespace Engagement.Web.Tests.Oidc;

/// <summary>
/// Signing in to the console through OpenID Connect, in chromium: the authorization code flow with PKCE against a real
/// provider (<see cref="TestIdentityProvider"/>), the session on the server, and the access token refreshed as it
/// expires, or the session ended when the provider refuses.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class OidcSignInTests(ConsoleFixture console, OidcFixture oidc) : IClassFixture<OidcFixture>
{
    [Fact]
    public async Task an_officer_signs_in_at_the_identity_provider_and_every_token_stays_on_the_server()
    {
        // Back where they were going, with the navigation of their role, and an API page that answers.
        var user = OidcFixture.Officer;
        var (page, key) = await SignInToPlansAsync(user);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Plans for Bulwell" })).ToBeVisibleAsync();
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Surgeries" })).ToBeVisibleAsync();
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Find a surgery" })).ToHaveCountAsync(0);
        await page.CheckAccessibilityAsync("oidc-01-signed-in");

        // The session holds the provider's tokens: signed by its key, for the API's audience, with role and area.
        var tokens = (await ServerSessions.TicketAsync(oidc.Stack, key))!.Properties;
        var access = new JsonWebToken(tokens.GetTokenValue("access_token"));
        Assert.Equal(oidc.Provider.Issuer.AbsoluteUri, access.Issuer);
        Assert.Equal("RS256", access.Alg);
        Assert.Contains(TestIdentityProvider.Audience, access.Audiences);
        Assert.Equal(user.Role, access.GetClaim("role").Value);
        Assert.Equal("bulwell", access.GetClaim("area").Value);
        Assert.Contains(new IdentityProviderGrant("authorization_code", user.Username), oidc.Provider.Grants);

        // The browser holds one HttpOnly, Secure, SameSite cookie, and no token anywhere: cookies, page or storage.
        var cookies = await page.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == WebAuth.CookieName);
        Assert.True(session.HttpOnly);
        Assert.True(session.Secure);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        var html = await page.ContentAsync();
        var script = await page.EvaluateAsync<string>("() => JSON.stringify([document.cookie, Object.entries(localStorage), Object.entries(sessionStorage)])");
        Assert.DoesNotContain(WebAuth.CookieName, script, StringComparison.Ordinal);
        foreach (var name in new[] { "access_token", "refresh_token", "id_token" })
        {
            // A token's longest part (a JWT's payload, say) is what would give it away, even cut from the rest.
            var secret = tokens.GetTokenValue(name)!.Split('.').MaxBy(p => p.Length)!;
            Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, script, StringComparison.Ordinal);
            Assert.All(cookies, c => Assert.DoesNotContain(secret, c.Value, StringComparison.Ordinal));
        }

        // Posts without the antiforgery token are refused, even from the console's own origin with the session cookie.
        var forgedSignOut = await page.EvaluateAsync<int>(
            "async () => (await fetch('/account/sign-out', { method: 'POST', body: new URLSearchParams({ returnUrl: '/' }), redirect: 'manual' })).status");
        var forgedForm = await page.EvaluateAsync<int>(
            "async () => (await fetch('/plans', { method: 'POST', body: new URLSearchParams({ _handler: 'draft-plan', 'Title': 'Forged' }), redirect: 'manual' })).status");
        Assert.Equal(400, forgedSignOut);
        Assert.Equal(400, forgedForm);
        Assert.NotNull(await ServerSessions.TicketAsync(oidc.Stack, key));

        // Signing out ends the session here and at the provider; the next page asks the provider again.
        var signOuts = oidc.Provider.SignOuts;
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First).ToBeVisibleAsync();
        Assert.Equal(signOuts + 1, oidc.Provider.SignOuts);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == WebAuth.CookieName);
        Assert.Null(await ServerSessions.TicketAsync(oidc.Stack, key));
        await page.GotoAsync("plans");
        await Assertions.Expect(page).ToHaveURLAsync(oidc.ProviderSignIn);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task after_the_access_token_expires_an_open_page_and_a_new_one_still_work_on_the_refreshed_token()
    {
        var user = OidcFixture.Refreshing;
        var (page, key) = await SignInToPlansAsync(user);
        var first = await AccessTokenAsync(key);
        await WaitUntilExpiredAsync(first);

        // The page's circuit, opened before the refresh, calls the API with the refreshed token.
        await page.GetByLabel("Area").SelectOptionAsync("bulwell");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Plans for Bulwell" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(NoPlan)).ToBeVisibleAsync();
        Assert.Contains(new IdentityProviderGrant("refresh_token", user.Username), oidc.Provider.Grants);
        var second = await AccessTokenAsync(key);
        Assert.NotEqual(first.EncodedToken, second.EncodedToken);
        Assert.True(second.ValidTo > first.ValidTo, $"The refreshed token expires at {second.ValidTo:o}, the first at {first.ValidTo:o}.");

        // A new page (a new request on the same session cookie) works too.
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByText(NoPlan)).ToBeVisibleAsync();
        await page.CheckAccessibilityAsync("oidc-02-after-refresh");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task when_the_refresh_token_is_revoked_the_user_is_sent_back_to_sign_in_and_an_open_form_keeps_what_was_typed()
    {
        var user = OidcFixture.Revoked;
        var (page, key) = await SignInToPlansAsync(user);
        oidc.Provider.RevokeRefreshTokens(user.Username);
        await WaitUntilExpiredAsync(await AccessTokenAsync(key));

        // A new page: the refresh is refused, the session ends, and the browser goes to the provider to sign in.
        await page.ReloadAsync();
        await Assertions.Expect(page).ToHaveURLAsync(oidc.ProviderSignIn);
        Assert.Contains(new IdentityProviderGrant("refresh_token", user.Username), oidc.Provider.Grants);
        Assert.Null(await ServerSessions.TicketAsync(oidc.Stack, key));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == WebAuth.CookieName);

        // Signed in again, the user is back on the page. With a form half typed when the refresh is refused, the
        // page says the session has ended and keeps what was typed.
        await oidc.SignInAtProviderAsync(page, user.Username);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/plans$"));
        await Assertions.Expect(page.GetByText(NoPlan)).ToBeVisibleAsync();
        await page.GetByLabel("Title (optional)").FillAsync("Bulwell spring plan");
        key = await ServerSessions.FindAsync(oidc.Stack, user.Username);
        await WaitUntilExpiredAsync(await AccessTokenAsync(key));
        await page.GetByLabel("Area").SelectOptionAsync("bulwell");
        var problem = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(problem).ToContainTextAsync("Your session has ended. Please sign in again.");
        await Assertions.Expect(problem).ToContainTextAsync("What you typed is still here");
        await Assertions.Expect(page.GetByLabel("Title (optional)")).ToHaveValueAsync("Bulwell spring plan");
        Assert.Null(await ServerSessions.TicketAsync(oidc.Stack, key));
        await page.CheckAccessibilityAsync("oidc-03-session-ended");
        await page.Context.CloseAsync();
    }

    /// <summary>What the plans page says when its API call answered (none of the test areas has a plan).</summary>
    private const string NoPlan = "There is no plan for this area yet. Draft one below.";

    /// <summary>A new browser opens the plans page, signs in at the provider and is back on the page, its list loaded.</summary>
    private async Task<(IPage Page, string Session)> SignInToPlansAsync(IdentityProviderUser user)
    {
        var page = await console.Chromium.DesktopAsync(oidc.Stack.Address);
        await page.GotoAsync("plans");
        await oidc.SignInAtProviderAsync(page, user.Username);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/plans$"));
        await Assertions.Expect(page.GetByText(NoPlan)).ToBeVisibleAsync();
        return (page, await ServerSessions.FindAsync(oidc.Stack, user.Username));
    }

    private async Task<JsonWebToken> AccessTokenAsync(string key) =>
        new((await ServerSessions.TicketAsync(oidc.Stack, key))?.Properties.GetTokenValue("access_token")
            ?? throw new InvalidOperationException($"Session {key} has no access token."));

    /// <summary>Waits (on the real clock, which the provider and the services both use) until the token has expired.</summary>
    private static async Task WaitUntilExpiredAsync(JsonWebToken token)
    {
        var left = token.ValidTo.AddSeconds(1) - DateTime.UtcNow;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }
    }
}
