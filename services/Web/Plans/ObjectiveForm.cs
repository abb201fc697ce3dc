using Microsoft.AspNetCore.Components.Forms;

namespace Engagement.Web.Plans;

/// <summary>
/// An objective as the officer types it. Metric and baseline may be left blank while the data is gathered (the plan
/// then cannot be published); kept whole across an API error, so nothing typed is lost.
/// </summary>
public sealed class ObjectiveForm
{
    public string Title { get; set; } = "";
    public string MetricName { get; set; } = "";
    public string MetricDefinition { get; set; } = "";
    public decimal? BaselineValue { get; set; }
    public string BaselinePeriod { get; set; } = "";
    public decimal? TargetValue { get; set; }
    public DateOnly? TargetBy { get; set; }
    public string DataSource { get; set; } = "";
    public string Owner { get; set; } = "neighbourhood-policing-team";
    public string Engagement { get; set; } = "consult";

    /// <summary>An objective already in the plan, to change it.</summary>
    public static ObjectiveForm From(Objective o) => new()
    {
        Title = o.Title,
        MetricName = o.Metric?.Name ?? "",
        MetricDefinition = o.Metric?.Definition ?? "",
        BaselineValue = o.Baseline?.Value,
        BaselinePeriod = o.Baseline?.Period ?? "",
        TargetValue = o.Target?.Value,
        TargetBy = o.Target?.By,
        DataSource = o.DataSource ?? "",
        Owner = o.Owner,
        Engagement = o.Engagement,
    };

    /// <summary>One key per objective the officer means to add, so a double click adds it once.</summary>
    public string IdempotencyKey { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The API's request (POST /api/plans/{id}/objectives): a part left wholly blank is left out.</summary>
    public object Request() => new
    {
        title = Title,
        metric = MetricName.Length == 0 && MetricDefinition.Length == 0 ? null : new { name = MetricName, definition = MetricDefinition },
        baseline = BaselineValue is null && BaselinePeriod.Length == 0 ? null : new { value = BaselineValue, period = BaselinePeriod },
        target = TargetValue is null && TargetBy is null ? null : new { value = TargetValue, by = TargetBy },
        dataSource = string.IsNullOrWhiteSpace(DataSource) ? null : DataSource,
        owner = Owner,
        engagement = Engagement,
    };

    public FieldIdentifier? Field(string name) => name.ToLowerInvariant() switch
    {
        "title" => new FieldIdentifier(this, nameof(Title)),
        "metric.name" => new FieldIdentifier(this, nameof(MetricName)),
        "metric.definition" => new FieldIdentifier(this, nameof(MetricDefinition)),
        "baseline.value" => new FieldIdentifier(this, nameof(BaselineValue)),
        "baseline.period" => new FieldIdentifier(this, nameof(BaselinePeriod)),
        "target.value" => new FieldIdentifier(this, nameof(TargetValue)),
        "target.by" => new FieldIdentifier(this, nameof(TargetBy)),
        "datasource" => new FieldIdentifier(this, nameof(DataSource)),
        "owner" => new FieldIdentifier(this, nameof(Owner)),
        "engagement" => new FieldIdentifier(this, nameof(Engagement)),
        _ => null,
    };
}
