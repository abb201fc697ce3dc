using System.Net;
using Engagement.Testing;
using Microsoft.AspNetCore.Authentication;
using Engagement.Web.SignIn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SigningInTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task a_page_outside_the_users_role_and_an_address_with_no_page_say_so_in_words_and_pass_axe()
    {
        var page = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await page.DemoSignInAsync("resident", "resident-wrong-door", null, "errors-01-resident-sign-in");

        // A resident at a staff page is sent to the page that says so, with a status code a browser's tools show.
        await page.GotoAsync("kin");
        await page.WaitForURLAsync("**/account/access-denied**");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have access to this page", Level = 1 })).ToBeVisibleAsync();
        await page.CheckAccessibilityAsync("errors-02-access-denied");

        var missing = await page.GotoAsync("no-page-lives-here");
        Assert.Equal((int)HttpStatusCode.NotFound, missing!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found", Level = 1 })).ToBeVisibleAsync();
        await page.CheckAccessibilityAsync("errors-03-not-found");
        await page.AssertReflowsAt320Async();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task the_gateway_serves_the_console_at_the_root_and_keeps_api_and_health_paths_its_own()
    {
        using var anonymous = fixture.Stack.Services.Client();
        using var staff = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", areas: ["bulwell"]));

        using var home = await anonymous.GetAsync(new Uri("/", UriKind.Relative));
        using var unknownApi = await staff.GetAsync(new Uri("/api/nothing-here", UriKind.Relative));
        using var unknownApiAnonymous = await anonymous.GetAsync(new Uri("/api/nothing-here", UriKind.Relative));
        using var health = await anonymous.GetAsync(new Uri("/health", UriKind.Relative));
        using var api = await staff.GetAsync(new Uri("/api/surgeries/areas", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("text/html", home.Content.Headers.ContentType?.MediaType);
        var html = await home.Content.ReadAsStringAsync();
        Assert.Contains("Neighbourhood engagement", html, StringComparison.Ordinal);
        var stylesheet = System.Text.RegularExpressions.Regex.Match(html, "href=\"(app[^\"]*\\.css)\"").Groups[1].Value;
        using var css = await anonymous.GetAsync(new Uri("/" + stylesheet, UriKind.Relative));
        Assert.True(css.StatusCode == HttpStatusCode.OK, $"{stylesheet}: {(int)css.StatusCode}");
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknownApi.StatusCode);
        Assert.Equal("application/problem+json", unknownApi.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownApiAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"services\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task the_demo_sign_in_keeps_the_token_on_the_server_and_the_browser_holds_an_httponly_secure_samesite_session_cookie()
    {
        var page = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await page.GotoAsync("/");
        await page.CheckAccessibilityAsync("signing-in-01-home");

        await page.DemoSignInAsync("neighbourhood", "officer-cookie", "bulwell", "signing-in-02-demo-sign-in");
        await page.CheckAccessibilityAsync("signing-in-03-signed-in");

        var cookies = await page.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == WebAuth.CookieName);
        Assert.True(session.HttpOnly);
        Assert.True(session.Secure);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        Assert.DoesNotContain(WebAuth.CookieName, await page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);

        // The token is in the server's session store, not in any cookie the browser holds.
        var tickets = fixture.Stack.Web.Services.GetRequiredService<SessionTickets>();
        var key = await ServerSessions.FindAsync(fixture.Stack, "officer-cookie");
        var token = (await tickets.RetrieveAsync(key))!.Properties.GetTokenValue("access_token")!;
        var jwt = new JsonWebToken(token);
        Assert.Equal("neighbourhood", jwt.GetClaim("role").Value);
        Assert.Equal("bulwell", jwt.GetClaim("area").Value);
        Assert.All(cookies, c => Assert.DoesNotContain(token.Split('.')[1], c.Value, StringComparison.Ordinal));

        // The navigation follows the role: an officer's pages, not a resident's.
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Surgeries" })).ToBeVisibleAsync();
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Find a surgery" })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == WebAuth.CookieName);
        Assert.Null(await tickets.RetrieveAsync(key));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task signing_out_without_the_antiforgery_token_is_refused()
    {
        using var client = fixture.Stack.Services.Client();
        using var form = new FormUrlEncodedContent([new("returnUrl", "/")]);

        using var response = await client.PostAsync(new Uri("/account/sign-out", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task without_the_local_signing_key_the_demo_sign_in_page_is_404()
    {
        await using var web = new ServiceHost<WebApp>(new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = "",
            ["Auth:SigningKeyFile"] = "",
            ["Web:GatewayUrl"] = fixture.Stack.Address.ToString(),
            ["Seeds:Areas"] = GatewayStack.SeedFile,
        }).Start();
        using var client = web.Client();

        using var page = await client.GetAsync(new Uri("/account/demo-sign-in", UriKind.Relative));
        using var post = await client.PostAsync(new Uri("/account/demo-sign-in", UriKind.Relative), new FormUrlEncodedContent([new("_handler", "demo-sign-in")]));
        using var withKey = await fixture.Stack.Services.Client().GetAsync(new Uri("/account/demo-sign-in", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.DoesNotContain("Local demo sign-in", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }
}
