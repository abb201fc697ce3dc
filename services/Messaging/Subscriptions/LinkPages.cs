using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Subscriptions;

/// <summary>What a followed link answers: JSON for apps, or a small page for a browser (Accept: text/html).</summary>
public sealed record LinkOutcome(string Status, string Channel, string Message, string? Confirm = null);

public static class LinkPages
{
    public static bool WantsHtml(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A self-contained page: no scripts, no third-party assets, nothing about the resident but what they chose.</summary>
    public static ContentHttpResult Page(string title, string message, string? formAction = null, string? button = null)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta name=\"robots\" content=\"noindex\"><title>").Append(WebUtility.HtmlEncode(title)).Append("</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.6rem 1.2rem}</style>")
            .Append("</head><body><main><h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1><p>").Append(WebUtility.HtmlEncode(message)).Append("</p>");
        if (formAction is not null)
        {
            // The same body a mail client sends for RFC 8058 one-click, so both reach the same handler the same way.
            sb.Append("<form method=\"post\" action=\"").Append(WebUtility.HtmlEncode(formAction)).Append("\">")
                .Append("<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">")
                .Append("<button type=\"submit\">").Append(WebUtility.HtmlEncode(button ?? "Confirm")).Append("</button></form>");
        }

        sb.Append("</main></body></html>");
        return TypedResults.Content(sb.ToString(), "text/html; charset=utf-8");
    }
}
