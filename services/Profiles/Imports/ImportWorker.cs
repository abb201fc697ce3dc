using System.Text.Json;
using System.Threading.Channels;
using Engagement.MartenAdditions;
using Marten;

namespace Engagement.Profiles.Imports;

public sealed record PendingImport(CensusStore.Dataset Dataset, CensusTable Parsed, ImportReport Report);

/// <summary>The status resource: progress while the figures are written, then the validation report.</summary>
public sealed record ImportStatus(
    Guid Id, string Status, bool AlreadyImported, string Table, string Title, string Release, string GeographyLevel, string Licence, string Checksum,
    int Rows, int RowsWritten, int Percent, DateTimeOffset AcceptedAt, DateTimeOffset? ImportedAt, string AcceptedBy, JsonElement? Report, string? Failure)
{
    public static ImportStatus From(CensusStore.Dataset d, bool alreadyImported) => new(
        d.Id, d.Status, alreadyImported, d.Table, d.Title, d.Release, d.GeographyLevel, d.Licence, d.Checksum, d.Rows, d.Written,
        d.Rows == 0 ? 100 : (int)(100L * d.Written / d.Rows), d.AcceptedAt, d.ImportedAt, d.AcceptedBy, d.Report, d.Failure);
}

/// <summary>Accepted files waiting to be written. One at a time per instance, so a large import cannot starve reads of the two cores.</summary>
public sealed class ImportQueue
{
    private readonly Channel<PendingImport> _channel = Channel.CreateUnbounded<PendingImport>(new UnboundedChannelOptions { SingleReader = true });

    public ValueTask EnqueueAsync(PendingImport work, CancellationToken ct) => _channel.Writer.WriteAsync(work, ct);

    public IAsyncEnumerable<PendingImport> ReadAllAsync(CancellationToken ct) => _channel.Reader.ReadAllAsync(ct);
}

/// <summary>
/// Writes an accepted dataset: the figures by binary COPY and the <see cref="CensusDatasetImported"/> event in one
/// transaction (the session's), so a dataset is either all there with its event or not there at all. Progress is
/// written on a connection of its own so that the status resource shows it while that transaction is open.
/// </summary>
public sealed partial class ImportWorker(
    ImportQueue queue, IDocumentStore store, EventStoreSettings settings, Reading.CensusFigures figures, TimeProvider clock, ILogger<ImportWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var work in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await WriteAsync(work, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, work.Dataset.Id, e);
                await CensusStore.FailAsync(settings, work.Dataset.Id, "The figures could not be written; nothing of the file was kept. Import it again.", CancellationToken.None);
            }
        }
    }

    private async Task WriteAsync(PendingImport work, CancellationToken ct)
    {
        var d = work.Dataset;
        var report = work.Report with { Warnings = await TotalsWarningsAsync(work, ct) };
        await using var session = store.LightweightSession();
        session.Events.StartStream(ImportEvents.Stream(d.Id), new CensusDatasetImported(
            d.Id, d.Table, d.Title, d.Release, d.GeographyLevel, d.Licence, d.Checksum, d.Rows, d.Figures, report.Warnings.Count, report.UnknownCodes.Count, d.AcceptedBy));
        var conn = await session.ConnectionInTransactionAsync(ct);
        await CensusStore.CopyFiguresAsync(conn, settings.Schema, d.Id, work.Parsed, written => CensusStore.SetWrittenAsync(settings, d.Id, written, ct), ct);
        await CensusStore.FinishAsync(conn, settings.Schema, d.Id, d.Rows, d.Rows - report.UnknownCodes.Count, report, clock.GetUtcNow(), ct);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Totals that differ from another table's with the same universe, per geography: a warning, never an error.</summary>
    private async Task<IReadOnlyList<TotalsWarning>> TotalsWarningsAsync(PendingImport work, CancellationToken ct)
    {
        var mine = work.Parsed.Rows.ToDictionary(r => r.Code, r => r.Values[0], StringComparer.Ordinal);
        var warnings = new List<TotalsWarning>();
        foreach (var other in (await figures.CurrentAsync(ct)).Where(o => o.Universe == work.Dataset.Universe && o.Table != work.Dataset.Table))
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Census import {DatasetId} failed")]
    private static partial void LogFailed(ILogger logger, Guid datasetId, Exception e);
}
