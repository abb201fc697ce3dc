namespace Engagement.Profiles.Imports;

/// <param name="Derived">Columns that combine others across branches of the tree; each is checked against its parts and never summed.</param>
public sealed record KnownTable(string Code, string Topic, string Title, string Universe, IReadOnlyDictionary<string, string[]> Derived);

/// <summary>
/// The census topic summaries the service knows. A bulk file names its topic, not its table, so the topic finds the
/// table; an API long file names a dimension (such as <c>C2021_ETH_20_NAME</c>), so the dimension does. TS054's two
/// combination columns are listed here because nothing in their labels says that they are not level-1 categories.
/// </summary>
public static class CensusTables
{
    public static readonly IReadOnlyList<KnownTable> All =
    [
        new("TS021", "Ethnic group", "Ethnic group", "All usual residents", new Dictionary<string, string[]>()),
        new("TS030", "Religion", "Religion", "All usual residents", new Dictionary<string, string[]>()),
        new("TS054", "Tenure of household", "Tenure", "All households", new Dictionary<string, string[]>
        {
            ["Owns with a mortgage or loan or shared ownership"] = ["Owned: Owns with a mortgage or loan", "Shared ownership"],
            ["Private rented or lives rent free"] = ["Private rented", "Lives rent free"],
        }),
        new("TS024", "Main language (detailed)", "Main language (detailed)", "All usual residents aged 3 years and over", new Dictionary<string, string[]>()),
        new("TS029", "Proficiency in English language", "Proficiency in English language", "All usual residents aged 3 years and over", new Dictionary<string, string[]>()),
    ];

    private static readonly Dictionary<string, string> DimensionTables = new(StringComparer.Ordinal)
    {
        ["C2021_ETH_20_NAME"] = "TS021",
        ["C2021_RELIGION_10_NAME"] = "TS030",
        ["C2021_TENURE_9_NAME"] = "TS054",
    };

    public static KnownTable? ByCode(string? code) => All.FirstOrDefault(t => string.Equals(t.Code, code, StringComparison.OrdinalIgnoreCase));

    public static KnownTable? ByTopic(string topic) => All.FirstOrDefault(t => t.Topic == topic);

    public static KnownTable? ByDimension(string dimension) => DimensionTables.TryGetValue(dimension, out var code) ? ByCode(code) : null;
}

/// <summary>A category column: its place in the tree the labels form.</summary>
/// <param name="Parent">Index of the parent column, or -1 for the total and for level-1 categories.</param>
/// <param name="Level">0 for the total, 1 for the broad categories, 2 and deeper for their subcategories.</param>
public sealed record Category(int Index, string Label, string Name, int Parent, int Level, bool Derived);

/// <summary>
/// The tree the column labels form: "White: Roma" is a child of "White", and the level-1 categories are children of
/// the total. Summing every column would count residents two or three times, so each check sums only one node's
/// children.
/// </summary>
public static class CategoryTree
{
    public static IReadOnlyList<Category> Build(IReadOnlyList<string> labels, KnownTable table)
    {
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var result = new List<Category>(labels.Count);
        for (var i = 0; i < labels.Count; i++)
        {
            var label = labels[i];
            var parts = label.Split(": ");
            if (i == 0)
            {
                result.Add(new Category(0, label, string.Join(": ", parts.Skip(1)), -1, 0, false));
                continue;
            }

            if (table.Derived.ContainsKey(label))
            {
                result.Add(new Category(i, label, label, -1, 1, true));
                continue;
            }

            // The nearest ancestor that is itself a column: "A: B: C" under "A: B", else under "A".
            var parent = -1;
            for (var n = parts.Length - 1; n >= 1 && parent < 0; n--)
            {
                parent = index.GetValueOrDefault(string.Join(": ", parts.Take(n)), -1);
            }

            var level = parent < 0 ? 1 : result[parent].Level + 1;
            result.Add(new Category(i, label, parts[^1], parent, level, false));
        }

        return result;
    }

    /// <summary>Every broken sum in a row: a parent against its children, the total against level 1, a derived column against its parts.</summary>
    public static IEnumerable<(int Column, string Message)> Check(IReadOnlyList<Category> tree, KnownTable table, long[] values)
    {
        var level1 = tree.Where(c => c.Level == 1 && !c.Derived).Sum(c => values[c.Index]);
        if (level1 != values[0])
        {
            yield return (0, $"The level-1 categories sum to {level1}, but '{tree[0].Label}' is {values[0]}.");
        }

        foreach (var parent in tree.Where(p => tree.Any(c => c.Parent == p.Index)))
        {
            var sum = tree.Where(c => c.Parent == parent.Index).Sum(c => values[c.Index]);
            if (sum != values[parent.Index])
            {
                yield return (parent.Index, $"The subcategories of '{parent.Label}' sum to {sum}, but it is {values[parent.Index]}.");
            }
        }

        foreach (var derived in tree.Where(c => c.Derived))
        {
            var parts = table.Derived[derived.Label];
            var sum = parts.Sum(p => tree.FirstOrDefault(c => c.Label == p) is { } part ? values[part.Index] : 0);
            if (sum != values[derived.Index])
            {
                yield return (derived.Index, $"'{derived.Label}' should be {string.Join(" + ", parts)} = {sum}, but it is {values[derived.Index]}.");
            }
        }
    }
}
