using Marten;

namespace Engagement.Profiles.Imports;

/// <summary>
/// A census dataset was imported: the decision an analyst made, recorded once per dataset. The figures themselves are
/// facts, not decisions, so they are rows in <c>census_figures</c>, written in the same transaction.
/// </summary>
public sealed record CensusDatasetImported(
    Guid DatasetId, string Table, string Title, string Release, string GeographyLevel, string Licence, string Checksum,
    int Rows, int Figures, int Warnings, int UnknownCodes, string ImportedBy)
{
    /// <summary>Why the analyst imported the file; empty in events written before imports took a reason.</summary>
    public string Reason { get; init; } = "";
}

public static class ImportEvents
{
    /// <summary>The aliases are what the event log stores; they outlive any rename of a type, so never change one.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.MapEventType<CensusDatasetImported>("census_dataset_imported");
    }

    public static string Stream(Guid datasetId) => $"census-dataset-{datasetId}";
}
