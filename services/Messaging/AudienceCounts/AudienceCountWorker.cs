using System.Globalization;
using Engagement.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Engagement.Messaging.AudienceCounts;

/// <summary>
/// Counts the audience once a day, at <c>Messaging:AudienceCount:At</c> London time (02:00 by default), and at start-up if
/// that time has passed and the day is not yet counted (<c>Messaging:AudienceCount:Daily=false</c> turns it off). Every instance runs it; the day's stream makes the count happen once.
/// </summary>
public sealed partial class AudienceCountWorker(AudienceCount count, IConfiguration configuration, TimeProvider clock, ILogger<AudienceCountWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Messaging:AudienceCount:Daily", true))
        {
            return;
        }

        var at = TimeOnly.ParseExact(configuration["Messaging:AudienceCount:At"] ?? "02:00", "HH:mm", CultureInfo.InvariantCulture);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = London.Show(clock.GetUtcNow());
            var due = London.At(DateOnly.FromDateTime(now.DateTime), at);
            if (now >= due)
            {
                try
                {
                    var (counted, made) = await count.CountTodayAsync(stoppingToken);
                    if (made)
                    {
                        LogCounted(counted.CountedOn, counted.Areas.Sum(a => a.Subscribers));
                    }

                    due = due.AddDays(1);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database may be down for a moment; try again shortly rather than wait a day.
                    LogFailed(e);
                    due = now.AddMinutes(5);
                }
            }

            var wait = due - London.Show(clock.GetUtcNow());
            await Task.Delay(wait < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : wait > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : wait, clock, stoppingToken);
        }
    }

    [LoggerMessage(LogLevel.Information, "Counted the audience of {Day}: {Subscriptions} area subscriptions")]
    private partial void LogCounted(DateOnly day, int subscriptions);

    [LoggerMessage(LogLevel.Warning, "The daily audience count failed; trying again in five minutes")]
    private partial void LogFailed(Exception e);
}
