using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Engagement.ServiceDefaults;
using Engagement.Web.Api;
using Engagement.Web.SignIn;
using Microsoft.AspNetCore.Localization;

namespace Engagement.Web.Localisation;

/// <summary>
/// The resident pages' language, per user: the one they chose with the switch (a cookie), otherwise the language of
/// their subscription, otherwise English. Signed-out pages (home, sign-in) follow the switch alone. It is the request's culture, so the first render and the interactive circuit
/// (whose connection carries the same cookie) agree. Staff pages are always English.
/// </summary>
public static class ResidentLanguage
{
    public const string CookieName = "engage-language";

    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");
    public static readonly CultureInfo Welsh = CultureInfo.GetCultureInfo("cy");

    public static WebApplicationBuilder AddResidentLanguage(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(English);
            o.SupportedCultures = o.SupportedUICultures = [English, Welsh];
            o.RequestCultureProviders = [new ResidentCultureProvider()];
        });
        return builder;
    }

    /// <summary>After authentication (the provider needs the user); before anything renders.</summary>
    public static WebApplication UseResidentLanguage(this WebApplication app)
    {
        app.UseRequestLocalization();
        // A link, so it works with the keyboard and without the circuit; it only sets a display preference, so a
        // forged link can do no harm. The page is loaded again in the new language.
        app.MapGet("/language/{code}", (string code, string? returnUrl, HttpContext http) =>
        {
            if (code is "cy" or "en")
            {
                http.Response.Cookies.Append(CookieName, code, new CookieOptions
                {
                    HttpOnly = true, Secure = true, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365),
                });
            }

            return Results.Redirect(WebAuth.LocalUrl(returnUrl));
        });
        return app;
    }

    /// <summary>The code the language switch and the subscription use (<c>cy</c> or <c>en</c>).</summary>
    public static string Code(CultureInfo culture) => culture.TwoLetterISOLanguageName == "cy" ? "cy" : "en";

    private sealed class ResidentCultureProvider : RequestCultureProvider
    {
        public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            if (Path.HasExtension(httpContext.Request.Path.Value))
            {
                return null;
            }

            // Signed out (the home page, signing in): the switch alone, as there is nobody to ask.
            if (httpContext.User.Identity?.IsAuthenticated != true)
            {
                return httpContext.Request.Cookies[CookieName] == "cy" ? new ProviderCultureResult("cy") : null;
            }

            if (!httpContext.User.IsInRole(Roles.Resident))
            {
                return null;
            }

            var code = httpContext.Request.Cookies[CookieName] ?? await SubscriptionLanguageAsync(httpContext);
            return code == "cy" ? new ProviderCultureResult("cy") : null;
        }

        /// <summary>The resident's subscription language, read through the gateway as them; none when they have no subscription.</summary>
        private static async Task<string?> SubscriptionLanguageAsync(HttpContext http)
        {
            if (http.RequestServices.GetRequiredService<SessionTickets>().AccessToken(http.User) is not { } token)
            {
                return null;
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, "api/messaging/subscriptions/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            try
            {
                using var response = await http.RequestServices.GetRequiredService<IHttpClientFactory>().CreateClient(GatewayApi.Client)
                    .SendAsync(request, http.RequestAborted);
                return response.IsSuccessStatusCode
                    ? (await response.Content.ReadFromJsonAsync<SubscriptionDto>(GatewayApi.Json, http.RequestAborted))?.Language
                    : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }
    }
}
