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

    private readonly ConcurrentDictionary<Guid, CensusStore.Dataset> _datasets = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _memo = new(StringComparer.Ordinal);
    private string _memoSet = "";

    /// <summary>
    /// The current dataset of each table and level: the newest that covers every ward (or district) the areas use. Only
    /// their ids are read each time; an imported dataset never changes, so each is read in full once per process.
    /// </summary>
    public async Task<IReadOnlyList<CensusStore.Dataset>> CurrentAsync(CancellationToken ct)
    {
        var ids = await CensusStore.CurrentIdsAsync(settings, _wards, _districts, ct);
        var current = new List<CensusStore.Dataset>(ids.Count);
        foreach (var id in ids)
        {
            if (!_datasets.TryGetValue(id, out var dataset))
            {
                dataset = await CensusStore.FindAsync(settings, id, null, ct) ?? throw new InvalidOperationException($"Dataset {id} vanished while being read.");
                _datasets[id] = dataset;
            }

            current.Add(dataset);
        }

        return current;
    }

    /// <summary>
    /// Something made only of the current datasets (an area's profile), made once and kept until an import changes
    /// them. Kept under the datasets' ids, so a value made from older datasets is never served for newer ones.
    /// </summary>
    public async Task<T> MemoAsync<T>(string key, IReadOnlyList<CensusStore.Dataset> current, Func<Task<T>> make) where T : class
    {
        ArgumentNullException.ThrowIfNull(current);
        var set = string.Join(",", current.Select(d => d.Id));
        if (!string.Equals(Volatile.Read(ref _memoSet), set, StringComparison.Ordinal))
        {
            // The datasets changed: what was made from the old ones will not be asked for again.
            _memo.Clear();
            Volatile.Write(ref _memoSet, set);
        }

        var lazy = _memo.GetOrAdd($"{set}|{key}", _ => new Lazy<Task<object>>(async () => await make()));
        try
        {
            return (T)await lazy.Value;
        }
        catch
        {
            // A failure (a database blip while loading figures) is not remembered.
            _memo.TryRemove(new KeyValuePair<string, Lazy<Task<object>>>($"{set}|{key}", lazy));
            throw;
        }
    }
}
