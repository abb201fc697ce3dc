using System.Collections.Concurrent;
using Engagement.MartenAdditions;
using Engagement.Profiles.Imports;
using Engagement.ServiceDefaults;

namespace Engagement.Profiles.Reading;

/// <summary>One dataset's figures for every ward and district the areas use.</summary>
public sealed record LoadedDataset(CensusStore.Dataset Dataset, IReadOnlyDictionary<string, long[]> Values);

/// <summary>
/// The current dataset of each table, with its figures held in memory: an imported dataset never changes (a new
/// import is a new dataset), so its figures are read once per process and a profile is then arithmetic.
/// </summary>
public sealed class CensusFigures(EventStoreSettings settings, AreaDirectory areas)
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task<LoadedDataset>>> _loaded = new();
    private readonly string[] _codes = areas.All.SelectMany(a => a.Wards.Select(w => w.Code).Append(a.DistrictCode)).Distinct().ToArray();

    /// <summary>The current dataset of a table: ward level when there is one, else local authority.</summary>
    public async Task<LoadedDataset?> TableAsync(IReadOnlyList<CensusStore.Dataset> current, string table, CancellationToken ct)
    {
        var dataset = current.Where(d => d.Table == table).OrderBy(d => d.GeographyLevel == "ward" ? 0 : d.GeographyLevel == "local-authority" ? 1 : 2).FirstOrDefault();
        if (dataset is null)
        {
            return null;
        }

        var lazy = _loaded.GetOrAdd(dataset.Id, _ => new Lazy<Task<LoadedDataset>>(async () =>
            new LoadedDataset(dataset, await CensusStore.FiguresAsync(settings, dataset.Id, dataset.Categories.Count, _codes, CancellationToken.None))));
        return await lazy.Value.WaitAsync(ct);
    }

    private readonly int _wards = areas.All.Sum(a => a.Wards.Count);
    private readonly int _districts = areas.All.Select(a => a.DistrictCode).Distinct().Count();

    /// <summary>The current dataset of each table and level: the newest that covers every ward (or district) the areas use.</summary>
    public Task<IReadOnlyList<CensusStore.Dataset>> CurrentAsync(CancellationToken ct) => CensusStore.CurrentAsync(settings, _wards, _districts, ct);
}
