using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.Retention;

public sealed record RetentionRun(DateTimeOffset AsOf, int RetentionDays, int Surgeries, int Bookings);

/// <summary>
/// Bookers' names, contact details and needs are kept only for a configurable number of days after the surgery
/// (<c>Surgeries:BookerRetentionDays</c>, 30 by default), then crypto-shredded: each booking's key is deleted, and the
/// erasure is recorded as an event and in the audit log.
/// </summary>
public sealed partial class EraseBookerDetails(IDocumentStore store, EventStoreSettings settings, IConfiguration configuration, TimeProvider clock, ILogger<EraseBookerDetails> logger)
    : BackgroundService
{
    public int RetentionDays => configuration.GetValue("Surgeries:BookerRetentionDays", 30);

    public async Task<RetentionRun> RunAsync(DateTimeOffset asOf, CancellationToken ct)
    {
        var cutoff = asOf.AddDays(-RetentionDays);
        IReadOnlyList<SurgeryDocument> due;
        await using (var query = store.QuerySession())
        {
            due = await query.Query<SurgeryDocument>()
                .Where(d => d.State.EndsAt <= cutoff && !d.State.BookerDetailsErased && d.State.Bookings.Any())
                .Take(500).ToListAsync(ct);
        }

        var bookings = 0;
        foreach (var doc in due)
        {
            var result = await SurgeryCommands.HandleAsync(store, doc.State.Id, null, "retention",
                s => s.BookerDetailsErased ? [] : [new BookerDetailsErased(s.Id, s.Bookings.Select(b => b.BookingId).ToList(), RetentionDays)],
                async (session, s, t) =>
                {
                    // Each booking's key goes in the same transaction as the event and the audit row that record it.
                    foreach (var booking in s.Bookings)
                    {
                        session.EraseSubject(IBookerDetails.BookerSubject(booking.BookingId));
                    }

                    var conn = await session.ConnectionInTransactionAsync(t);
                    await Audit.RecordAsync(conn, null, settings.Schema, null, new Audit.Entry("erase", "surgery-bookings", s.Id.ToString(),
                        $"retention: {RetentionDays} days after the surgery", new { bookings = s.Bookings.Count }), t);
                }, ct);
            bookings += result.Events.OfType<BookerDetailsErased>().Sum(e => e.BookingIds.Count);
        }

        return new RetentionRun(asOf, RetentionDays, due.Count, bookings);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(configuration.GetValue("Surgeries:RetentionIntervalMinutes", 60));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var run = await RunAsync(clock.GetUtcNow(), stoppingToken);
                if (run.Bookings > 0)
                {
                    LogErased(logger, run.Bookings, run.Surgeries);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }

            await Task.Delay(interval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Admin: run the retention now, optionally as of a later date (erasing early is always allowed).</summary>
    public static async Task<Ok<RetentionRun>> Handle(DateTimeOffset? asOf, EraseBookerDetails job, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (asOf < now)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["asOf"] = ["Cannot be in the past."] });
        }

        return TypedResults.Ok(await job.RunAsync(asOf ?? now, ct));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased bookers' details of {Bookings} bookings at {Surgeries} surgeries")]
    private static partial void LogErased(ILogger logger, int bookings, int surgeries);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention run failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
