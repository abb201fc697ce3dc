using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.Messaging.Delivery;
using Engagement.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Engagement.Messaging.Alerts;

public sealed record ChannelCounts(long InApp, long Email, long Sms);

public sealed record AlertPreview(
    long Recipients, long Residents, long KeyIndividuals, ChannelCounts ByChannel, long OverFatigueBudget, long InQuietHours,
    bool FatigueAndQuietHoursApply, int SmsSegments, IReadOnlyDictionary<string, int> SmsSegmentsByLanguage, bool RequiresApproval);

public static class PreviewAlert
{
    public static DateTimeOffset FatigueSince(DateTimeOffset now, IConfiguration configuration) =>
        now.AddDays(-configuration.GetValue("Messaging:FatigueWindowDays", 7));

    public static int Budget(IConfiguration configuration) => configuration.GetValue("Messaging:FatigueBudget", 3);

    public static long ApprovalThreshold(IConfiguration configuration) => configuration.GetValue("Messaging:ApprovalThreshold", 5000L);

    /// <summary>Quiet hours are London wall-clock times; a window may wrap midnight (22:00 to 07:00).</summary>
    internal const string InQuietHours =
        "s.quiet_start is not null and s.quiet_end is not null and (case when s.quiet_start <= s.quiet_end " +
        "then @local >= s.quiet_start and @local < s.quiet_end else @local >= s.quiet_start or @local < s.quiet_end end)";

    internal const string RecentSends = "coalesce((select count(*) from unnest(f.sends) t where t > @since), 0)";

    public static async Task<AlertPreview> PreviewAsync(NpgsqlConnection conn, string schema, Audience audience, string priority, string subject, string body,
        IReadOnlyDictionary<string, Translation> translations, DateTimeOffset now, IConfiguration configuration, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(audience);
        await using var cmd = new NpgsqlCommand(
            $"""
            with r as (
                select s.email_verified, s.sms_enabled, {InQuietHours} as quiet, {RecentSends} >= @budget as tired
                from {schema}.subscribers s left join {schema}.fatigue f on f.subscriber_id = s.subscriber_id
                where @residents and {AudienceQuery.ResidentFilter})
            select count(*), count(*) filter (where email_verified), count(*) filter (where sms_enabled),
                   count(*) filter (where tired and (email_verified or sms_enabled)),
                   count(*) filter (where quiet and (email_verified or sms_enabled)),
                   (select count(*) from {schema}.kin_members k where @kin and {AudienceQuery.KinFilter} and k.preferred_channel = 'email'),
                   (select count(*) from {schema}.kin_members k where @kin and {AudienceQuery.KinFilter} and k.preferred_channel = 'sms')
            from r
            """, conn);
        AudienceQuery.Bind(cmd, audience);
        cmd.Parameters.AddWithValue("budget", Budget(configuration));
        cmd.Parameters.AddWithValue("since", FatigueSince(now, configuration).UtcDateTime);
        cmd.Parameters.AddWithValue("local", TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, London.Zone).DateTime).ToTimeSpan());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var (residents, email, sms, tired, quiet, kinEmail, kinSms) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6));
        var urgent = priority == Alert.Urgent;
        const string link = "https://engagement.example/api/messaging/unsubscribe?token=000000000000000000000000000000000000000000000000000000000000";
        var segments = translations.ToDictionary(t => t.Key, t =>
        {
            var (s, b) = Alert.ContentFor(subject, body, translations, t.Key);
            return Content.SmsSegments(Content.SmsText(s, b, link));
        });
        var recipients = residents + kinEmail + kinSms;
        return new AlertPreview(recipients, residents, kinEmail + kinSms, new ChannelCounts(residents, email + kinEmail, sms + kinSms),
            urgent ? 0 : tired, urgent ? 0 : quiet, !urgent, Content.SmsSegments(Content.SmsText(subject, body, link)), segments,
            urgent || recipients > ApprovalThreshold(configuration));
    }

    public static async Task<Ok<AlertPreview>> Handle(AlertRequest request, ClaimsPrincipal user, EventStoreSettings settings, AreaDirectory areas,
        TimeProvider clock, IConfiguration configuration, CancellationToken ct)
    {
        var (_, priority, audience, subject, body, translations) = Content.Validate(request, areas);
        SendAlert.RequireAreas(user, audience);
        await using var conn = await settings.DataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await PreviewAsync(conn, settings.Schema, audience, priority, subject, body, translations, clock.GetUtcNow(), configuration, ct));
    }
}
