using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using C = Engagement.Contracts;

namespace Engagement.Messaging.Replies;

public sealed record MarkAsIssueRequest(string? Category, string? Summary);

/// <summary>Staff passed a reply to Plans as an issue of its area. Its own stream per reply, so a reply is passed on once.</summary>
public sealed record ReplyMarkedAsIssue(Guid ReplyId, string AreaCode, string Category, string Summary, string SubscriberId, string MarkedBy, DateTimeOffset At);

/// <summary>
/// <c>POST /api/messaging/replies/{replyId}/issue</c>: a reply becomes a candidate for the area's priorities. Staff give the
/// category and a summary without personal data; the resident's reply itself never leaves Messaging.
/// </summary>
public static class MarkAsIssue
{
    public static string StreamId(Guid replyId) => $"reply-issue-{replyId}";

    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<ReplyMarkedAsIssue>("reply_marked_as_issue");
    }

    public static object? Map(IEvent e) => e?.Data is ReplyMarkedAsIssue m
        ? new C.ReplyRaisedAsIssue(e.Id, e.Timestamp, m.ReplyId, m.AreaCode, m.Category, m.Summary, m.SubscriberId)
        : null;

    public static async Task<Created<ReplyMarkedAsIssue>> Handle(Guid replyId, MarkAsIssueRequest request, ClaimsPrincipal user, IDocumentStore store,
        EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rules = new FieldErrors();
        var category = rules.Text("category", request.Category, 50);
        if (category.Length > 0 && !category.All(c => char.IsLetterOrDigit(c) || c is ' ' or '-'))
        {
            rules.Add("category", "Letters, digits, spaces and hyphens, such as asb or road safety.");
        }

        var summary = rules.Text("summary", request.Summary, 500);
        rules.ThrowIfAny();
        var marked = await CommandPath.RunAsync(store, async (session, t) =>
        {
            var doc = await session.LoadAsync<ReplyDocument>(replyId, t) ?? throw new NotFoundException("Reply", replyId.ToString());
            user.RequireArea(doc.AreaCode);
            if (await session.Events.FetchStreamStateAsync(StreamId(replyId), t) is not null)
            {
                throw new ConflictException("reply-already-an-issue", "This reply has already been passed on as an issue.");
            }

            var e = new ReplyMarkedAsIssue(replyId, doc.AreaCode, category, summary, doc.SubscriberId, user.SubjectId(), clock.GetUtcNow());
            session.Events.StartStream(StreamId(replyId), e);
            await session.AuditAsync(settings, user, new Audit.Entry("disclose", "reply", replyId.ToString(),
                "passed to Plans as an issue: the resident's id as its raiser, with a summary written by staff"), t);
            return e;
        }, user.SubjectId(), ct);
        return TypedResults.Created($"/api/messaging/replies/{replyId}/issue", marked);
    }
}
