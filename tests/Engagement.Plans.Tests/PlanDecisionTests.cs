using Engagement.Plans.Planning;
using Engagement.ServiceDefaults;

namespace Engagement.Plans.Tests;

/// <summary>The plan's pure decisions: given events, when a command, then events (or the error).</summary>
public sealed class PlanDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid PlanId = Guid.CreateVersion7();

    private static Plan Drafted() => Plan.Initial.Evolve(new PlanDrafted(PlanId, "bulwell", "Bulwell plan", new DateOnly(2026, 12, 1), new DateOnly(2027, 11, 30), 3, "officer", Now));

    private static ObjectiveRequest Measurable(string title) => new(title, new MetricRequest("Feeling safe after dark", "Share of survey respondents who feel safe after dark"),
        new BaselineRequest(54, "2025/26 survey"), new TargetRequest(60, new DateOnly(2027, 11, 30)), "Neighbourhood survey", "neighbourhood-policing-team", "consult");

    [Fact]
    public void a_plan_lasts_twelve_months_unless_said_otherwise_and_is_reviewed_quarterly()
    {
        var areas = new AreaDirectory([new Area("bulwell", "Bulwell", "Nottingham", [], [])]);
        var drafted = DraftPlan.Decide(PlanId, new DraftPlanRequest("bulwell", null, new DateOnly(2026, 12, 1), null), areas, "officer", Now, new DateOnly(2026, 11, 29));
        Assert.Equal(new DateOnly(2027, 11, 30), drafted.EndsOn);
        Assert.Equal(3, drafted.ReviewEveryMonths);
        Assert.Equal(new DateOnly(2027, 3, 1), Plan.Initial.Evolve(drafted).NextReviewOn);
    }

    [Fact]
    public void an_objective_needs_a_known_owner_and_level_of_engagement()
    {
        var e = Assert.Throws<ValidationFailedException>(() =>
            SetObjective.Decide(Drafted(), Guid.NewGuid(), Measurable("x") with { Owner = "mayor", Engagement = "shout" }, "officer", Now));
        Assert.Contains("owner", e.Errors!.Keys);
        Assert.Contains("engagement", e.Errors!.Keys);
    }

    [Fact]
    public void publishing_refuses_naming_every_objective_without_a_metric_or_a_baseline()
    {
        var noMetric = Guid.NewGuid();
        var noBaseline = Guid.NewGuid();
        var plan = Drafted()
            .Evolve(SetObjective.Decide(Drafted(), Guid.NewGuid(), Measurable("Measured"), "officer", Now))
            .Evolve(SetObjective.Decide(Drafted(), noMetric, Measurable("Reach Roma households") with { Metric = null }, "officer", Now))
            .Evolve(SetObjective.Decide(Drafted(), noBaseline, Measurable("Confidence in the police") with { Baseline = null }, "officer", Now));
        var e = Assert.Throws<DomainException>(() => PublishPlan.Decide(plan, new PublishPlanRequest(null), "officer", Now));
        Assert.Equal(422, e.Status);
        var named = e.Errors!["objectives"];
        Assert.Equal(2, named.Length);
        Assert.Contains(named, n => n.Contains(noMetric.ToString(), StringComparison.Ordinal) && n.Contains("a metric", StringComparison.Ordinal));
        Assert.Contains(named, n => n.Contains(noBaseline.ToString(), StringComparison.Ordinal) && n.Contains("a baseline", StringComparison.Ordinal));
        // Each is also named by its place in the plan; the measurable one is not.
        Assert.Equal(["objectives", "objectives[1]", "objectives[2]"], e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Needs a metric before the plan is published."], e.Errors["objectives[1]"]);
        Assert.Equal(["Needs a baseline before the plan is published."], e.Errors["objectives[2]"]);
    }

    [Fact]
    public void each_publication_is_a_new_revision_and_every_revision_after_the_first_says_why()
    {
        var plan = Drafted().Evolve(SetObjective.Decide(Drafted(), Guid.NewGuid(), Measurable("Measured"), "officer", Now));
        var first = PublishPlan.Decide(plan, new PublishPlanRequest(null), "officer", Now);
        Assert.Equal(1, first.Revision.Number);
        plan = plan.Evolve(first);
        Assert.Throws<ValidationFailedException>(() => PublishPlan.Decide(plan, new PublishPlanRequest(" "), "officer", Now));
        var second = PublishPlan.Decide(plan, new PublishPlanRequest("Emerging Roma community in Bulwell"), "officer", Now.AddDays(30));
        Assert.Equal(2, second.Revision.Number);
        Assert.Equal("Emerging Roma community in Bulwell", second.Revision.Reason);
        Assert.Equal(new DateOnly(2027, 3, 29), plan.Evolve(second).NextReviewOn);
    }
}
