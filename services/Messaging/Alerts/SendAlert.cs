using System.Security.Claims;
using Engagement.EventStore;
using Engagement.Messaging.Delivery;
using Engagement.ServiceDefaults;
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

    public static async Task<Accepted<AlertStatusView>> Handle(AlertRequest request, HttpContext http, ClaimsPrincipal user, EventStore.EventStore store,
        AreaDirectory areas, Dispatcher dispatcher, TimeProvider clock, IConfiguration configuration, CancellationToken ct)
    {
        var id = http.Request.ResourceId("alert");
        if ((await store.AggregateStreamAsync<Alert>(Alert.StreamId(id), ct)).Version > 0)
        {
            return TypedResults.Accepted($"/api/messaging/alerts/{id}", await StatusAsync(store, id, ct));
        }

        var (type, priority, audience, subject, body, translations) = Content.Validate(request, areas);
        RequireAreas(user, audience);
        long targeted;
        await using (var conn = await store.DataSource.OpenConnectionAsync(ct))
        {
            targeted = await AudienceQuery.CountAsync(conn, store.Schema, audience, ct);
        }

        if (targeted == 0)
        {
            throw new DomainException(StatusCodes.Status422UnprocessableEntity, "audience-empty", "Nobody is in this audience.",
                "No subscribed resident or key individual matches these areas and interests, so nothing would be sent. Preview first to see the counts.");
        }

        // Two-person rule: urgent alerts, and alerts to more than the threshold, wait for a second member of staff.
        var requiresApproval = priority == Alert.Urgent || targeted > PreviewAlert.ApprovalThreshold(configuration);
        var requested = new AlertRequested(id, type, priority, audience, subject, body, translations, targeted, requiresApproval, user.SubjectId());
        try
        {
            await store.AppendAsync(Alert.StreamId(id), Alert.StreamType, ExpectedVersion.NoStream, [requested], new EventMetadata(UserId: user.SubjectId()), ct);
        }
        catch (ConcurrencyException)
        {
            // The same Idempotency-Key, concurrently: the first request's alert stands.
        }

        if (!requiresApproval)
        {
            dispatcher.Wake(id);
        }

        return TypedResults.Accepted($"/api/messaging/alerts/{id}", await StatusAsync(store, id, ct));
    }

    public static async Task<Accepted<AlertStatusView>> Approve(Guid id, ClaimsPrincipal user, EventStore.EventStore store, Dispatcher dispatcher, CancellationToken ct)
    {
        var (alert, version) = await store.AggregateStreamAsync<Alert>(Alert.StreamId(id), ct);
        if (!alert.Exists)
        {
            throw new NotFoundException("Alert", id.ToString());
        }

        if (alert.RequestedBy == user.SubjectId())
        {
            throw new DomainException(StatusCodes.Status403Forbidden, "own-alert", "You cannot approve your own alert.",
                "The two-person rule needs a different member of the communications team to approve it.");
        }

        if (alert.Status != AlertStatus.AwaitingApproval)
        {
            throw new ConflictException("not-awaiting-approval", $"This alert is {Describe(alert.Status)}; there is nothing to approve.");
        }

        await store.AppendAsync(Alert.StreamId(id), Alert.StreamType, ExpectedVersion.Exactly(version), [new AlertApproved(id, user.SubjectId())],
            new EventMetadata(UserId: user.SubjectId()), ct);
        dispatcher.Wake(id);
        return TypedResults.Accepted($"/api/messaging/alerts/{id}", await StatusAsync(store, id, ct));
    }

    public static async Task<Ok<AlertStatusView>> Get(Guid id, ClaimsPrincipal user, EventStore.EventStore store, HttpContext http, CancellationToken ct)
    {
        var (alert, version) = await store.AggregateStreamAsync<Alert>(Alert.StreamId(id), ct);
        if (!alert.Exists)
        {
            throw new NotFoundException("Alert", id.ToString());
        }

        RequireAreas(user, alert.Audience);
        var view = await StatusAsync(store, alert, version, ct);
        http.Response.Headers.ETag = ExpectedVersion.ToETag(view.Version);
        return TypedResults.Ok(view);
    }

    public static async Task<Ok<AlertStatusView>> Cancel(Guid id, ClaimsPrincipal user, EventStore.EventStore store, Dispatcher dispatcher, CancellationToken ct)
    {
        var (alert, version) = await store.AggregateStreamAsync<Alert>(Alert.StreamId(id), ct);
        if (!alert.Exists)
        {
            throw new NotFoundException("Alert", id.ToString());
        }

        RequireAreas(user, alert.Audience);
        if (alert.Status is AlertStatus.Completed or AlertStatus.Cancelled)
        {
            throw new ConflictException("alert-finished", $"This alert is already {Describe(alert.Status)}.");
        }

        await using var session = store.OpenSession(new EventMetadata(UserId: user.SubjectId()));
        session.Append(Alert.StreamId(id), Alert.StreamType, ExpectedVersion.Exactly(version), [new AlertCancelled(id, user.SubjectId())]);
        session.Execute((conn, tx, t) => Deliveries.CancelPendingAsync(conn, tx, store.Schema, id, t));
        await session.SaveChangesAsync(ct);
        await dispatcher.TryFinishAsync(id, ct);
        return TypedResults.Ok(await StatusAsync(store, id, ct));
    }

    private static string Describe(AlertStatus status) => status switch
    {
        AlertStatus.AwaitingApproval => "awaiting approval",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>The status resource: a few rows whatever the alert's size (progress and running counters).</summary>
    public static async Task<AlertStatusView> StatusAsync(EventStore.EventStore store, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var (alert, version) = await store.AggregateStreamAsync<Alert>(Alert.StreamId(id), ct);
        return alert.Exists ? await StatusAsync(store, alert, version, ct) : throw new NotFoundException("Alert", id.ToString());
    }

    /// <summary>The status of an alert already folded from its stream, so callers that hold it do not read it twice.</summary>
    public static async Task<AlertStatusView> StatusAsync(EventStore.EventStore store, Alert alert, long version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(alert);
        var id = alert.Id;
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            select p.targeted, p.batches_total, p.batches_done, p.started, p.completed from {store.Schema}.alert_progress p where p.alert_id = @a;
            select channel, status, count from {store.Schema}.alert_counters where alert_id = @a;
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
