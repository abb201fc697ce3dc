using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using JasperFx.Events;
using Marten;
using Npgsql;
using C = Engagement.Contracts;

namespace Engagement.Messaging.AudienceCounts;

/// <summary>The day's count of who each area's channels reach: numbers only. Its stream is the day, so a day is counted once.</summary>
public sealed record AudienceCounted(DateOnly CountedOn, DateTimeOffset At, IReadOnlyList<C.AreaAudience> Areas);

/// <summary>
/// Counts each area's audience from the targeting tables (active subscriptions and key individuals) and appends the count
/// as the day's event, which the relay publishes as <see cref="C.AudienceCounted"/>. Every area of the seed file is in
/// the count, with zeros where nobody is reached: an area nobody hears is exactly what the count is for.
/// </summary>
public sealed class AudienceCount(IDocumentStore store, EventStoreSettings settings, AreaDirectory areas, TimeProvider clock)
{
    public static string StreamId(DateOnly day) => $"audience-{day:yyyy-MM-dd}";

    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<AudienceCounted>("audience_counted");
    }

    public DateOnly Today => DateOnly.FromDateTime(London.Show(clock.GetUtcNow()).DateTime);

    /// <summary>Today's count: made now if there is none yet (true), else the one already made (false).</summary>
    public async Task<(AudienceCounted Count, bool Made)> CountTodayAsync(CancellationToken ct)
    {
        var day = Today;
        if (await FindAsync(day, ct) is { } existing)
        {
            return (existing, false);
        }

        var counted = new AudienceCounted(day, clock.GetUtcNow(), await CountAsync(ct));
        try
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = "system:audience-count";
            session.Events.StartStream(StreamId(day), counted);
            await session.SaveChangesAsync(ct);
            return (counted, true);
        }
        catch (Exception e) when (CommandPath.IsConflict(e))
        {
            // Another instance counted the day first; theirs stands.
            return (await FindAsync(day, ct) ?? throw new InvalidOperationException("The day's count vanished after a collision.", e), false);
        }
    }

    public async Task<AudienceCounted?> FindAsync(DateOnly day, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(StreamId(day), token: ct);
        return events.Select(e => e.Data).OfType<AudienceCounted>().FirstOrDefault();
    }

    /// <summary>The newest count, if any day has been counted.</summary>
    public async Task<AudienceCounted?> LatestAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var latest = await session.Events.QueryRawEventDataOnly<AudienceCounted>().OrderByDescending(e => e.At).Take(1).ToListAsync(ct);
        return latest.FirstOrDefault();
    }

    private async Task<IReadOnlyList<C.AreaAudience>> CountAsync(CancellationToken ct)
    {
        var subscribers = new Dictionary<string, (int All, int Email, int Sms)>(StringComparer.Ordinal);
        var languages = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var kin = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new($"""
                    select a, count(*)::int, (count(*) filter (where email_verified))::int, (count(*) filter (where sms_enabled))::int
                    from {settings.Schema}.subscribers, unnest(area_codes) a where active group by a
                    """),
                new($"select a, language, count(*)::int from {settings.Schema}.subscribers, unnest(area_codes) a where active group by a, language"),
                new($"select a, count(*)::int from {settings.Schema}.kin_members, unnest(area_codes) a where active group by a"),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            subscribers[reader.GetString(0)] = (reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var area = reader.GetString(0);
            if (!languages.TryGetValue(area, out var byLanguage))
            {
                languages[area] = byLanguage = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            byLanguage[reader.GetString(1)] = reader.GetInt32(2);
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            kin[reader.GetString(0)] = reader.GetInt32(1);
        }

        return areas.All.Select(a =>
        {
            var s = subscribers.GetValueOrDefault(a.Code);
            return new C.AreaAudience(a.Code, s.All,
                new Dictionary<string, int>(StringComparer.Ordinal) { ["inapp"] = s.All, ["email"] = s.Email, ["sms"] = s.Sms },
                languages.GetValueOrDefault(a.Code) ?? new Dictionary<string, int>(StringComparer.Ordinal), kin.GetValueOrDefault(a.Code));
        }).ToList();
    }
}
