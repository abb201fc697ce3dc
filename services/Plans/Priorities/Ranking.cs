namespace Engagement.Plans.Priorities;

/// <summary>
/// <c>Plans:Ranking</c>: the threat, risk and harm dimensions and their weights, and the choosing rules. MoRiLE's own
/// numeric scales are not public, so the dimensions follow MoRiLE and the weights are configuration. A weight of 0
/// drops a dimension; a dimension named here that MoRiLE lacks is added.
/// </summary>
public sealed class RankingOptions
{
    public static readonly IReadOnlyDictionary<string, double> MoRiLE = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["physical-harm"] = 1, ["psychological-harm"] = 1, ["financial-harm"] = 1, ["community-harm"] = 1,
        ["scope"] = 1, ["vulnerability"] = 1, ["likelihood"] = 1,
        // Position and confidence temper the risk rather than make it, so they weigh half as much by default.
        ["organisational-position"] = 0.5, ["confidence"] = 0.5,
    };

    public Dictionary<string, double> Weights { get; set; } = new(MoRiLE, StringComparer.Ordinal);

    /// <summary>Each dimension is scored from 0 (none) to this.</summary>
    public int ScaleMax { get; set; } = 4;

    /// <summary>How many priorities an area adopts at once (the inspector usually sets three).</summary>
    public int AdoptedLimit { get; set; } = 3;

    /// <summary>An open priority with no action this long after it was raised is flagged.</summary>
    public int StaleAfterMonths { get; set; } = 3;

    public bool IsValid =>
        ScaleMax is >= 1 and <= 10 && AdoptedLimit is >= 1 and <= 20 && StaleAfterMonths is >= 1 and <= 12
        && Weights.Values.All(w => w is >= 0 and <= 10) && Weights.Values.Any(w => w > 0)
        && Weights.Keys.All(k => k.Length is > 0 and <= 50 && k == RaisePriority.Category(k));

    /// <summary>The dimensions in force: those with a weight above 0.</summary>
    public IReadOnlyList<string> Dimensions => Weights.Where(w => w.Value > 0).Select(w => w.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The threat, risk and harm score from 0 to 100: the weighted mean of the dimensions' scores as a share of the
    /// scale's top. Null until every dimension in force has been scored (a partial score would rank too low).
    /// </summary>
    public double? Score(IReadOnlyDictionary<string, int>? scores)
    {
        if (scores is null || Dimensions.Any(d => !scores.ContainsKey(d)))
        {
            return null;
        }

        var weighted = Dimensions.Sum(d => Weights[d] * Math.Clamp(scores[d], 0, ScaleMax));
        var top = Dimensions.Sum(d => Weights[d]) * ScaleMax;
        return Math.Round(100 * weighted / top, 1);
    }
}
