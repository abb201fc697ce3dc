using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Engagement.Messaging.Inbox;

/// <summary>One inbox message as its resident sees it; times in Europe/London.</summary>
public sealed record InboxMessageView(
    Guid Id, Guid? AlertId, string Kind, string Subject, string Body, string Language, DateTimeOffset Created, bool Read, DateTimeOffset? ReadAt, bool? Useful);

/// <summary>
/// A page of the inbox, newest first. <c>page</c> is set for numbered pages; <c>nextCursor</c> continues from the last
/// item shown and is null on the last page. <c>total</c> and <c>unread</c> count the whole inbox.
/// </summary>
public sealed record InboxPage(IReadOnlyList<InboxMessageView> Items, int? Page, int PageSize, long Total, long Unread, string? NextCursor);

public sealed record RateRequest(bool? Useful);

/// <summary>
/// A resident's own inbox, and only theirs: every query is scoped by the caller's subscriber id, so another resident's
/// message is indistinguishable from one that does not exist (404).
/// </summary>
public static class ReadInbox
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    private const string Columns = "id, alert_id, kind, subject, body, language, created, read_at, useful";

    /// <summary>
    /// GET /inbox. Numbered pages (<c>page</c>, <c>pageSize</c>) for jumping about, or a cursor for scrolling: a cursor
    /// never repeats or skips a message when new ones arrive meanwhile, which numbered pages can.
    /// </summary>
    public static async Task<Ok<InboxPage>> List(int? page, int? pageSize, string? cursor, ClaimsPrincipal user, EventStoreSettings settings, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = pageSize ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"Between 1 and {MaxPageSize}.");
        }

        if (page is < 1)
        {
            errors.Add("page", "1 or more.");
        }

        (DateTime Created, Guid Id)? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (page is not null)
            {
                errors.Add("cursor", "Use either page or cursor, not both.");
            }

            after = DecodeCursor(cursor);
            if (after is null)
            {
                errors.Add("cursor", "Not a cursor this API returned; start again without one.");
            }
        }

        errors.ThrowIfAny();
        var sub = user.SubjectId();
        var number = after is null ? page ?? 1 : (int?)null;
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        long total, unread;
        await using (var count = new NpgsqlCommand(
            $"select count(*), count(*) filter (where read_at is null) from {settings.Schema}.inbox_messages where subscriber_id = @s", conn))
        {
            count.Parameters.AddWithValue("s", sub);
            await using var r = await count.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            (total, unread) = (r.GetInt64(0), r.GetInt64(1));
        }

        // One more than the page, to know whether there is a next one. Ties on created are broken by id, so the order
        // is total and a cursor is exact.
        await using var cmd = new NpgsqlCommand(
            $"""
            select {Columns} from {settings.Schema}.inbox_messages
            where subscriber_id = @s {(after is null ? "" : "and (created, id) < (@c, @id)")}
            order by created desc, id desc
            limit @n offset @skip
            """, conn);
        cmd.Parameters.AddWithValue("s", sub);
        cmd.Parameters.AddWithValue("n", size + 1);
        cmd.Parameters.AddWithValue("skip", number is { } p ? (long)(p - 1) * size : 0L);
        if (after is { } a)
        {
            cmd.Parameters.AddWithValue("c", a.Created);
            cmd.Parameters.AddWithValue("id", a.Id);
        }

        var rows = new List<(InboxMessageView View, DateTime Created)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                rows.Add((Read(r), r.GetDateTime(6)));
            }
        }

        var more = rows.Count > size;
        var items = rows.Take(size).ToList();
        var next = more ? EncodeCursor(items[^1].Created, items[^1].View.Id) : null;
        await settings.ConsultedAsync(user, new Audit.Entry("consult", "inbox", sub, null, new { messages = items.Count }), ct);
        return TypedResults.Ok(new InboxPage(items.Select(x => x.View).ToList(), number, size, total, unread, next));
    }

    /// <summary>POST /inbox/{id}/read: marks it read (the first time counts; again changes nothing).</summary>
    public static async Task<Ok<InboxMessageView>> MarkRead(Guid id, ClaimsPrincipal user, EventStoreSettings settings, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await UpdateAsync(settings, user.SubjectId(), id, "read_at = coalesce(read_at, @now)", clock.GetUtcNow(), null, ct));

    /// <summary>POST /inbox/{id}/rating: was it useful? It can be changed; rating a message also marks it read.</summary>
    public static async Task<Ok<InboxMessageView>> Rate(Guid id, RateRequest? request, ClaimsPrincipal user, EventStoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        if (request?.Useful is not { } useful)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["useful"] = ["Required: true or false."] });
        }

        return TypedResults.Ok(await UpdateAsync(settings, user.SubjectId(), id, "read_at = coalesce(read_at, @now), useful = @useful", clock.GetUtcNow(), useful, ct));
    }

    private static async Task<InboxMessageView> UpdateAsync(EventStoreSettings settings, string sub, Guid id, string set, DateTimeOffset now, bool? useful, CancellationToken ct)
    {
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"update {settings.Schema}.inbox_messages set {set} where id = @id and subscriber_id = @s returning {Columns}", conn);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("s", sub);
        cmd.Parameters.AddWithValue("now", now.UtcDateTime);
        if (useful is { } u)
        {
            cmd.Parameters.AddWithValue("useful", u);
        }

        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : throw new NotFoundException("Message", id.ToString());
    }

    private static InboxMessageView Read(NpgsqlDataReader r)
    {
        var readAt = r.IsDBNull(7) ? (DateTimeOffset?)null : London.Show(new DateTimeOffset(r.GetDateTime(7), TimeSpan.Zero));
        return new InboxMessageView(
            r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
            London.Show(new DateTimeOffset(r.GetDateTime(6), TimeSpan.Zero)), readAt is not null, readAt, r.IsDBNull(8) ? null : r.GetBoolean(8));
    }

    // An opaque cursor: the last item's created time (UTC ticks) and id. Not signed; it only ever narrows the caller's
    // own inbox, so a forged one shows nothing that is not theirs.
    private static string EncodeCursor(DateTime created, Guid id)
    {
        var bytes = new byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes, created.Ticks);
        id.TryWriteBytes(bytes.AsSpan(8), bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    private static (DateTime, Guid)? DecodeCursor(string cursor)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            if (bytes.Length != 24)
            {
                return null;
            }

            var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
            return ticks is < 0 || ticks > DateTime.MaxValue.Ticks
                ? null
                : (new DateTime(ticks, DateTimeKind.Utc), new Guid(bytes.AsSpan(8), bigEndian: true));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
