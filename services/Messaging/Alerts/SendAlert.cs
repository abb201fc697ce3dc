using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.Messaging.Delivery;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Engagement.Messaging.Alerts;

public sealed record AlertCounts(IReadOnlyDictionary<string, long> Delivered, long Failed, long Suppressed, long Pending, long Cancelled);

public sealed record AlertStatusView(
    Guid Id, string Type, string Priority, string Status, string Subject, bool RequiresApproval, string RequestedBy, string? ApprovedBy,
    long Targeted, int BatchesTotal, int BatchesDone, AlertCounts Counts, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, long Version);

public sealed record ApproveRequest(string? Note);

public static class SendAlert
{
    /// <summary>Neighbourhood staff send only to their own areas; communications staff and admins anywhere.</summary>
    public static void RequireAreas(ClaimsPrincipal user, Audience audience)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(audience);
        if (user.IsInRole(Roles.Neighbourhood) && !user.IsInRole(Roles.Communications))
        {
            foreach (var area in audience.Areas)
            {
                user.RequireArea(area);
            }
        }
    }

    public static async Task<Accepted<AlertStatusView>> Handle(AlertRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store,
        EventStoreSettings settings, AreaDirectory areas, Dispatcher dispatcher, TimeProvider clock, IConfiguration configuration, CancellationToken ct)
    {
        var id = http.Request.ResourceId("alert");
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<AlertDocument>(Alert.StreamId(id), ct) is { State.Exists: true } existing)
            {
                // The same Idempotency-Key again: the first request's alert stands.
                return TypedResults.Accepted($"/api/messaging/alerts/{id}", await StatusAsync(settings, existing, ct));
            }
        }

        var (type, priority, audience, subject, body, translations) = Content.Validate(request, areas);
        RequireAreas(user, audience);
        long targeted;
        await using (var conn = await settings.DataSource.OpenConnectionAsync(ct))
        {
            targeted = await AudienceQuery.CountAsync(conn, settings.Schema, audience, ct);
        }

        if (targeted == 0)
        {
            throw new DomainException(StatusCodes.Status422UnprocessableEntity, "audience-empty", "Nobody is in this audience.",
                "No subscribed resident or key individual matches these areas and interests, so nothing would be sent. Preview first to see the counts.");
        }

        // Two-person rule: urgent alerts, and alerts to more than the threshold, wait for a second member of staff.
        var requiresApproval = priority == Alert.Urgent || targeted > PreviewAlert.ApprovalThreshold(configuration);
        var requested = new AlertRequested(id, type, priority, audience, subject, body, translations, targeted, requiresApproval, user.SubjectId());
        // A concurrent request with the same Idempotency-Key that made it first: its alert stands.
        var result = await AlertEvents.HandleAsync(store, id, user.SubjectId(), a => a.Exists ? [] : [requested], ct: ct);
        if (!result.State.State.RequiresApproval)
        {
            dispatcher.Wake(id);
        }

        return TypedResults.Accepted($"/api/messaging/alerts/{id}", await StatusAsync(settings, result.State with { Version = result.Version }, ct));
    }

    public static async Task<Accepted<AlertStatusView>> Approve(Guid id, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, Dispatcher dispatcher, CancellationToken ct)
    {
        var result = await AlertEvents.HandleAsync(store, id, user.SubjectId(), alert =>
        {
            if (!alert.Exists)
            {
                throw new NotFoundException("Alert", id.ToString());
            }

            if (alert.RequestedBy == user.SubjectId())
            {
                throw new DomainException(StatusCodes.Status403Forbidden, "own-alert", "You cannot approve your own alert.",
                    "The two-person rule needs a different member of the communications team to approve it.");
            }

            return alert.Status != AlertStatus.AwaitingApproval
                ? throw new ConflictException("not-awaiting-approval", $"This alert is {Describe(alert.Status)}; there is nothing to approve.")
                : [new AlertApproved(id, user.SubjectId())];
        }, ct: ct);
        dispatcher.Wake(id);
        return TypedResults.Accepted($"/api/messaging/alerts/{id}", await StatusAsync(settings, result.State with { Version = result.Version }, ct));
    }

    public static async Task<Ok<AlertStatusView>> Get(Guid id, ClaimsPrincipal user, IQuerySession session, EventStoreSettings settings, HttpContext http, CancellationToken ct)
    {
        var doc = await AlertEvents.LoadAsync(session, id, ct);
        RequireAreas(user, doc.State.Audience);
        var view = await StatusAsync(settings, doc, ct);
        http.Response.Headers.ETag = Requests.ETag(view.Version);
        return TypedResults.Ok(view);
    }

    public static async Task<Ok<AlertStatusView>> Cancel(Guid id, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, Dispatcher dispatcher, CancellationToken ct)
    {
        var result = await AlertEvents.HandleAsync(store, id, user.SubjectId(), alert =>
            {
                if (!alert.Exists)
                {
                    throw new NotFoundException("Alert", id.ToString());
                }

                RequireAreas(user, alert.Audience);
                return alert.Status is AlertStatus.Completed or AlertStatus.Cancelled
                    ? throw new ConflictException("alert-finished", $"This alert is already {Describe(alert.Status)}.")
                    : [new AlertCancelled(id, user.SubjectId())];
            },
            async (session, _, t) => await Deliveries.CancelPendingAsync(await session.ConnectionInTransactionAsync(t), settings.Schema, id, t), ct);
        await dispatcher.TryFinishAsync(id, ct);
        await using var query = store.QuerySession();
        return TypedResults.Ok(await StatusAsync(settings, await AlertEvents.LoadAsync(query, id, ct), ct));
    }

    private static string Describe(AlertStatus status) => status switch
    {
        AlertStatus.AwaitingApproval => "awaiting approval",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>The status resource: a few rows whatever the alert's size (progress and running counters).</summary>
    public static async Task<AlertStatusView> StatusAsync(EventStoreSettings settings, AlertDocument doc, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(doc);
        var (alert, version) = (doc.State, doc.Version);
        var id = alert.Id;
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            select p.targeted, p.batches_total, p.batches_done, p.started, p.completed from {settings.Schema}.alert_progress p where p.alert_id = @a;
            select channel, status, count from {settings.Schema}.alert_counters where alert_id = @a;
            """, conn);
        cmd.Parameters.AddWithValue("a", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        long targeted = alert.Targeted;
        int total = 0, done = 0;
        DateTimeOffset? started = null, completed = null;
        if (await r.ReadAsync(ct))
        {
            (targeted, total, done) = (r.GetInt64(0), r.GetInt32(1), r.GetInt32(2));
            started = new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(3), DateTimeKind.Utc));
            completed = r.IsDBNull(4) ? null : new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(4), DateTimeKind.Utc));
        }

        await r.NextResultAsync(ct);
        var counts = new List<(string Channel, string Status, long Count)>();
        while (await r.ReadAsync(ct))
        {
            counts.Add((r.GetString(0), r.GetString(1), r.GetInt64(2)));
        }

        long Sum(string status) => counts.Where(c => c.Status == status).Sum(c => c.Count);
        var delivered = Channel.All.ToDictionary(c => c, c => counts.Where(x => x.Channel == c && x.Status == Deliveries.Delivered).Sum(x => x.Count));
        var status = alert.Status switch
        {
            AlertStatus.AwaitingApproval => "awaiting-approval",
            AlertStatus.Sending => "sending",
            AlertStatus.Completed => "completed",
            _ => "cancelled",
        };
        return new AlertStatusView(id, alert.Type, alert.Priority, status, alert.Subject, alert.RequiresApproval, alert.RequestedBy, alert.ApprovedBy,
            targeted, total, done, new AlertCounts(delivered, Sum(Deliveries.Failed), Sum(Deliveries.Suppressed), Sum(Deliveries.Pending), Sum(Deliveries.Cancelled)),
            started is null ? null : London.Show(started.Value), completed is null ? null : London.Show(completed.Value), version);
    }
}
