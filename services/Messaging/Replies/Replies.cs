using System.Security.Claims;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Engagement.MartenAdditions;
using Engagement.Messaging.Alerts;
using Engagement.Messaging.Inbox;
using Engagement.Messaging.Subscriptions;
using Engagement.ServiceDefaults;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using C = Engagement.Contracts;

namespace Engagement.Messaging.Replies;

public sealed record ReplyRequest(string? Body, string? Category);

public sealed record AnswerRequest(string? Body);

// A reply's text and the answer to it are the resident's personal data, under the key of the resident's generation at
// the time (a returning resident's old name is erased, and refuses new data). Generation 1 is what replies written
// before the field existed were sealed under.
public sealed record ReplyPosted(
    Guid ReplyId, Guid AlertId, string SubscriberId, [property: PersonalData] string? Body, string Category, string AreaCode,
    bool Urgent, IReadOnlyList<string> Keywords, int Generation = 1) : IHasPersonalData
{
    [JsonIgnore]
    public string DataSubjectId => DataSubjects.Subscriber(SubscriberId, Generation);
}

/// <param name="AreaCode">The reply's area, <paramref name="ReceivedAt"/> when its clock started and <paramref name="AnsweredAt"/> when it
/// stopped: what Plans counts the clock by (absent from answers recorded before they were carried, which are then not published).</param>
public sealed record ReplyAnswered(
    Guid ReplyId, string SubscriberId, [property: PersonalData] string? Answer, string AnsweredBy, int Generation = 1, string? AreaCode = null,
    DateTimeOffset? ReceivedAt = null, DateTimeOffset? AnsweredAt = null) : IHasPersonalData
{
    [JsonIgnore]
    public string DataSubjectId => DataSubjects.Subscriber(SubscriberId, Generation);
}

public sealed record ReplyDocument(
    Guid ReplyId, Guid AlertId, string SubscriberId, [property: PersonalData] string? Body, string Category, string AreaCode, bool Urgent,
    IReadOnlyList<string> Keywords, DateTimeOffset ReceivedAt, DateTimeOffset DueBy, DateTimeOffset? AnsweredAt, string? AnsweredBy,
    [property: PersonalData] string? Answer, int Generation = 1) : IHasPersonalData
{
    [JsonIgnore]
    public string DataSubjectId => DataSubjects.Subscriber(SubscriberId, Generation);
}

public sealed record ReplyView(
    Guid ReplyId, Guid AlertId, string SubscriberId, string? Body, string Category, string AreaCode, bool Urgent, IReadOnlyList<string> Keywords,
    DateTimeOffset ReceivedAt, DateTimeOffset DueBy, bool Overdue, DateTimeOffset? AnsweredAt, string? Answer, bool RaisedAsIssue = false);

public static partial class ReplyEvents
{
    /// <summary>The Neighbourhood Policing Guarantee: a response to a neighbourhood query within 72 hours.</summary>
    public static readonly TimeSpan ResponseTime = TimeSpan.FromHours(72);

    /// <summary>The aliases are what the event log stores; they outlive any rename of a type, so never change one.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<ReplyPosted>("reply_posted");
        options.Events.MapEventType<ReplyAnswered>("reply_answered");
        MarkAsIssue.Register(options);
        // Written by the handlers beside the events: its clock starts when the reply arrives, which no event records.
        options.Schema.For<ReplyDocument>().Identity(d => d.ReplyId).DocumentAlias("reply");
    }

    public static object? Map(IEvent e) => e?.Data switch
    {
        ReplyPosted r => new C.ReplyReceived(e.Id, e.Timestamp, r.AlertId, r.ReplyId, r.AreaCode, r.Category, r.Urgent),
        ReplyAnswered { AreaCode: { } area, ReceivedAt: { } received, AnsweredAt: { } answered } a =>
            new C.ReplyAnswered(e.Id, e.Timestamp, a.ReplyId, area, received, answered),
        null => null,
        _ => MarkAsIssue.Map(e),
    };

    public static string StreamId(Guid id) => $"reply-{id}";

    /// <summary>Configured words (Messaging:UrgentKeywords) found as whole words, whatever their case.</summary>
    public static IReadOnlyList<string> Keywords(string body, IEnumerable<string> keywords) =>
        keywords.Where(k => Regex.IsMatch(body, $@"\b{Regex.Escape(k)}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)).ToList();

    public static async Task<Created<ReplyView>> Post(Guid id, ReplyRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store,
        EventStoreSettings settings, TimeProvider clock, IConfiguration configuration, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rules = new FieldErrors();
        var body = rules.Text("body", request.Body, 2000);
        var category = request.Category?.Trim();
        if (category is not null && !AudienceQuery.Interests.Contains(category))
        {
            rules.Add("category", $"One of: {string.Join(", ", AudienceQuery.Interests.Order(StringComparer.Ordinal))}.");
        }

        rules.ThrowIfAny();
        Alert alert;
        int generation;
        await using (var query = store.QuerySession())
        {
            alert = (await query.LoadAsync<AlertDocument>(Alert.StreamId(id), ct))?.State ?? Alert.Initial;
            // A resident seeded straight into the targeting table has no subscription stream: the first generation.
            generation = (await query.LoadAsync<ResidentSubscription>(ResidentSubscription.StreamId(user.SubjectId()), ct))?.Generation ?? 1;
        }

        var sub = user.SubjectId();
        string? area;
        await using (var conn = await settings.DataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand(
            $"""
            select coalesce((select a from {settings.Schema}.subscribers s, unnest(s.area_codes) a where s.subscriber_id = @s and a = any(@areas) limit 1), @first)
            where exists (select 1 from {settings.Schema}.inbox_messages where alert_id = @a and subscriber_id = @s)
            """, conn))
        {
            cmd.Parameters.AddWithValue("s", sub);
            cmd.Parameters.AddWithValue("a", id);
            cmd.Parameters.AddWithValue("areas", alert.Audience.Areas.ToArray());
            cmd.Parameters.AddWithValue("first", alert.Audience.Areas.FirstOrDefault() ?? "");
            area = await cmd.ExecuteScalarAsync(ct) as string;
        }

        if (!alert.Exists || area is null)
        {
            throw new DomainException(StatusCodes.Status403Forbidden, "not-a-recipient", "You did not receive this alert.",
                "Replies are open to the residents an alert was sent to.");
        }

        var replyId = http.Request.ResourceId($"reply:{id}");
        var now = clock.GetUtcNow();
        var keywords = Keywords(body, configuration.GetSection("Messaging:UrgentKeywords").Get<string[]>() ?? []);
        var posted = new ReplyPosted(replyId, id, sub, body, category ?? alert.Type, area, keywords.Count > 0, keywords, generation);
        var doc = await CommandPath.RunAsync(store, async (session, t) =>
        {
            if (await session.LoadAsync<ReplyDocument>(replyId, t) is { } first)
            {
                // The same Idempotency-Key again (or a concurrent twin that won): the first reply stands.
                return first;
            }

            session.Events.StartStream(StreamId(replyId), posted);
            var received = new ReplyDocument(replyId, id, sub, body, posted.Category, area, posted.Urgent, keywords, now, now + ResponseTime, null, null, null, generation);
            session.Store(received);
            await session.AuditAsync(settings, user, new Audit.Entry("collect", "reply", replyId.ToString(), "resident replied to an alert"), t);
            return received;
        }, sub, ct);
        return TypedResults.Created($"/api/messaging/replies/{replyId}", View(doc, now));
    }

    public static ReplyView View(ReplyDocument d, DateTimeOffset now, bool raisedAsIssue = false)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new ReplyView(d.ReplyId, d.AlertId, d.SubscriberId, d.Body, d.Category, d.AreaCode, d.Urgent, d.Keywords, London.Show(d.ReceivedAt),
            London.Show(d.DueBy), d.AnsweredAt is null && d.DueBy < now, d.AnsweredAt is { } a ? London.Show(a) : null, d.Answer, raisedAsIssue);
    }

    /// <summary>The orders a reply list comes in: urgent first then oldest (the default), or by the 72-hour clock.</summary>
    public static readonly IReadOnlyList<string> Sorts = ["urgent", "due"];

    /// <summary>
    /// Replies for staff, urgent first then oldest; <c>overdue=true</c> lists the 72-hour breaches, <c>answered</c> keeps
    /// the answered or the waiting ones, and <c>sort=due</c> orders by the clock: the replies still waiting, the one due
    /// first (the most overdue) at the top, then the answered ones. Audited.
    /// </summary>
    public static async Task<Ok<IReadOnlyList<ReplyView>>> List(bool? overdue, bool? urgent, bool? answered, string? sort, Guid? alertId, string? reason,
        ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        if (sort is not null && !Sorts.Contains(sort))
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["sort"] = [$"One of: {string.Join(", ", Sorts)}."] });
        }

        var now = clock.GetUtcNow();
        var query = session.Query<ReplyDocument>().AsQueryable();
        if (answered is { } done)
        {
            query = done ? query.Where(d => d.AnsweredAt != null) : query.Where(d => d.AnsweredAt == null);
        }

        if (overdue == true)
        {
            query = query.Where(d => d.AnsweredAt == null && d.DueBy < now);
        }

        if (urgent is { } u)
        {
            query = query.Where(d => d.Urgent == u);
        }

        if (alertId is { } a)
        {
            query = query.Where(d => d.AlertId == a);
        }

        var docs = sort == "due"
            ? (await query.OrderBy(d => d.DueBy).Take(500).ToListAsync(ct)).OrderBy(d => d.AnsweredAt is not null).ToList()
            : await query.OrderByDescending(d => d.Urgent).ThenBy(d => d.ReceivedAt).Take(500).ToListAsync(ct);
        var visible = docs.Where(d => user.CanActIn(d.AreaCode)).ToList();
        await settings.ConsultedAsync(user, new Audit.Entry("consult", "replies", alertId?.ToString() ?? "all", reason ?? "replies list",
            new { count = visible.Count, overdue, urgent, answered }), ct);
        var ids = visible.Select(d => d.ReplyId).ToArray();
        var raised = ids.Length == 0 ? [] : (await session.Events.QueryRawEventDataOnly<ReplyMarkedAsIssue>()
            .Where(m => m.ReplyId.IsOneOf(ids)).Select(m => m.ReplyId).ToListAsync(ct)).ToHashSet();
        return TypedResults.Ok<IReadOnlyList<ReplyView>>(visible.Select(d => View(d, now, raised.Contains(d.ReplyId))).ToList());
    }

    /// <summary>Staff answer a reply; the answer lands in the resident's inbox and stops the clock.</summary>
    public static async Task<Ok<ReplyView>> Answer(Guid replyId, AnswerRequest request, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings,
        TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rules = new FieldErrors();
        var answer = rules.Text("body", request.Body, 2000);
        rules.ThrowIfAny();
        var now = clock.GetUtcNow();
        var answered = await CommandPath.RunAsync(store, async (session, t) =>
        {
            var doc = await session.LoadAsync<ReplyDocument>(replyId, t) ?? throw new NotFoundException("Reply", replyId.ToString());
            user.RequireArea(doc.AreaCode);
            if (doc.AnsweredAt is not null)
            {
                throw new ConflictException("reply-answered", "This reply has already been answered.");
            }

            // A reply's stream is posted (1), then answered (2): a second answer racing this one conflicts and is refused above on its retry.
            session.Events.Append(StreamId(replyId), 2, new ReplyAnswered(replyId, doc.SubscriberId, answer, user.SubjectId(), doc.Generation, doc.AreaCode, doc.ReceivedAt, now));
            var after = doc with { AnsweredAt = now, AnsweredBy = user.SubjectId(), Answer = answer };
            session.Store(after);
            var conn = await session.ConnectionInTransactionAsync(t);
            await InboxWriter.AddAsync(conn, settings.Schema,
                new InboxItem(Guid.CreateVersion7(), doc.SubscriberId, null, "reply-answer", "An answer to your reply", answer, "en"), t);
            await session.AuditAsync(settings, user, new Audit.Entry("change", "reply", replyId.ToString(), "answered a resident's reply"), t);
            return after;
        }, user.SubjectId(), ct);
        return TypedResults.Ok(View(answered, now));
    }
}
