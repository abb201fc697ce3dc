using System.Text.Json;
using System.Threading.Channels;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;

namespace Engagement.Profiles.Imports;

/// <summary>The status resource: progress while the figures are written, then the validation report.</summary>
public sealed record ImportStatus(
    Guid Id, string Status, bool AlreadyImported, string Table, string Title, string Release, string GeographyLevel, string Licence, string Checksum,
    int Rows, int RowsWritten, int Percent, DateTimeOffset AcceptedAt, DateTimeOffset? ImportedAt, string AcceptedBy, string Reason, JsonElement? Report, string? Failure)
{
    public static ImportStatus From(CensusStore.Dataset d, bool alreadyImported) => new(
        d.Id, d.Status, alreadyImported, d.Table, d.Title, d.Release, d.GeographyLevel, d.Licence, d.Checksum, d.Rows, d.Written,
        d.Rows == 0 ? 100 : (int)(100L * d.Written / d.Rows), d.AcceptedAt, d.ImportedAt, d.AcceptedBy, d.Reason, d.Report, d.Failure);
}

/// <summary>
/// Wakes this instance's worker when a file is accepted. The queue itself is the <c>census_uploads</c> table, so
/// nothing accepted is lost with the process; the worker also looks there on a timer, for files another instance
/// accepted or left behind when it stopped.
/// </summary>
public sealed class ImportSignal
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Wake() => _wake.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan atMost, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(atMost);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The timer: look at the table anyway.
        }
    }
}

/// <summary>
/// Writes accepted datasets, one at a time per instance so that a large import cannot starve reads of the two cores:
/// the figures by binary COPY and the <see cref="CensusDatasetImported"/> event in one transaction (the session's), so
/// a dataset is either all there with its event or not there at all. Progress is written on a connection of its own so
/// that the status resource shows it while that transaction is open. The file is parsed again from the stored upload,
/// which is what lets an import interrupted by a restart finish.
/// </summary>
public sealed partial class ImportWorker(
    ImportSignal signal, IDocumentStore store, EventStoreSettings settings, AreaDirectory areas, Reading.CensusFigures figures, TimeProvider clock,
    ILogger<ImportWorker> logger) : BackgroundService
{
    /// <summary>How often the worker looks for files no wake-up announced (another instance's, or one left by a restart).</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var worked = false;
            try
            {
                worked = await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database is unreachable, say: try again at the next wake-up or poll.
                LogClaimFailed(logger, e);
            }

            if (!worked)
            {
                await signal.WaitAsync(Poll, stoppingToken);
            }
        }
    }

    /// <summary>Writes the oldest accepted file, if there is one; false when there was none.</summary>
    public async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        await using var claim = await CensusStore.ClaimAsync(settings, ct);
        if (claim is null)
        {
            return false;
        }

        if (claim.Dataset.Status != "importing")
        {
            // Written before a restart, between the figures' commit and the upload's removal.
            await claim.DoneAsync(ct);
            return true;
        }

        try
        {
            await WriteAsync(claim, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Whatever a stop interrupts (a cancelled COPY surfaces as a database error) is left for the next claim.
            LogFailed(logger, claim.Dataset.Id, e);
            await claim.FailAsync("The figures could not be written; nothing of the file was kept. Import it again.", CancellationToken.None);
            return true;
        }

        await claim.DoneAsync(ct);
        return true;
    }

    private async Task WriteAsync(CensusStore.ClaimedUpload claim, CancellationToken ct)
    {
        var d = claim.Dataset;
        var (parsed, known, tree) = ImportCensus.Validate(claim.Body, claim.TableHint);
        var report = ImportCensus.Report(parsed, known, tree, areas);
        report = report with { Warnings = await TotalsWarningsAsync(d, parsed, ct) };
        await using var session = store.LightweightSession();
        session.Events.StartStream(ImportEvents.Stream(d.Id), new CensusDatasetImported(
            d.Id, d.Table, d.Title, d.Release, d.GeographyLevel, d.Licence, d.Checksum, d.Rows, d.Figures, report.Warnings.Count, report.UnknownCodes.Count, d.AcceptedBy)
        {
            Reason = d.Reason,
        });
        var conn = await session.ConnectionInTransactionAsync(ct);
        await CensusStore.CopyFiguresAsync(conn, settings.Schema, d.Id, parsed, written => CensusStore.SetWrittenAsync(settings, d.Id, written, ct), ct);
        await CensusStore.FinishAsync(conn, settings.Schema, d.Id, d.Rows, d.Rows - report.UnknownCodes.Count, report, clock.GetUtcNow(), ct);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Totals that differ from another table's with the same universe, per geography: a warning, never an error.</summary>
    private async Task<IReadOnlyList<TotalsWarning>> TotalsWarningsAsync(CensusStore.Dataset dataset, CensusTable parsed, CancellationToken ct)
    {
        var mine = parsed.Rows.ToDictionary(r => r.Code, r => r.Values[0], StringComparer.Ordinal);
        var warnings = new List<TotalsWarning>();
        foreach (var other in (await figures.CurrentAsync(ct)).Where(o => o.Universe == dataset.Universe && o.Table != dataset.Table))
        {
            var theirs = await CensusStore.FiguresAsync(settings, other.Id, other.Categories.Count, mine.Keys, ct);
            var differences = theirs.Where(t => t.Value[0] != mine[t.Key]).Select(t => new TotalsDifference(t.Key, mine[t.Key], t.Value[0]))
                .OrderByDescending(x => Math.Abs(x.ThisTable - x.OtherTable)).ThenBy(x => x.Code, StringComparer.Ordinal).ToList();
            if (differences.Count > 0)
            {
                warnings.Add(new TotalsWarning(other.Table, differences.Count, Math.Abs(differences[0].ThisTable - differences[0].OtherTable), differences.Take(10).ToList()));
            }
        }

        return warnings;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Census imports could not be looked for; trying again shortly")]
    private static partial void LogClaimFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Census import {DatasetId} failed")]
    private static partial void LogFailed(ILogger logger, Guid datasetId, Exception e);
}
