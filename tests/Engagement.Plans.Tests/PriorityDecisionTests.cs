using Engagement.Plans.Priorities;
using Engagement.Plans.Raisers;
using Engagement.ServiceDefaults;

namespace Engagement.Plans.Tests;

/// <summary>The priorities' pure decisions and the threat, risk and harm score.</summary>
public sealed class PriorityDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static Candidate Asb(string sourceRef, params string[] raisers) =>
        new("bulwell", "asb", new Mention("surgery", sourceRef, "Youths on the Bulwell Riverside car park at night", Now, raisers));

    private static Priority Fold(Priority p, IEnumerable<object> events) => events.Aggregate(p, (s, e) => s.Evolve(e));

    [Fact]
    public void the_first_mention_raises_later_ones_count_and_the_same_source_counts_once()
    {
        var p = Fold(Priority.Initial, RaisePriority.Decide(Priority.Initial, Asb("surgery:1:0", "r1")));
        Assert.Equal(PriorityStatus.Candidate, p.Status);
        Assert.IsType<PriorityMentioned>(Assert.Single(RaisePriority.Decide(p, Asb("surgery:2:0", "r2"))));
        p = Fold(p, RaisePriority.Decide(p, Asb("surgery:2:0", "r2")));
        Assert.Empty(RaisePriority.Decide(p, Asb("surgery:2:0", "r2")));
        Assert.Equal(2, p.Mentions.Count);
        Assert.Equal(["r1", "r2"], p.RaiserIds);
    }

    [Fact]
    public void a_closed_priority_raised_again_starts_a_new_round()
    {
        var p = Fold(Priority.Initial, RaisePriority.Decide(Priority.Initial, Asb("a")));
        p = p.Evolve(RecordAction.Close(p, new ClosePriorityRequest("Resolved with the council"), "insp", Now));
        var again = Assert.IsType<PriorityRaised>(Assert.Single(RaisePriority.Decide(p, Asb("b"))));
        Assert.Equal(2, again.Round);
        Assert.Single(p.Evolve(again).Mentions);
    }

    [Fact]
    public void an_erased_raiser_is_forgotten_in_every_round_once_and_the_action_after_does_not_name_them()
    {
        var p = Fold(Priority.Initial, RaisePriority.Decide(Priority.Initial, Asb("a", "gone", "stays")));
        p = p.Evolve(RecordAction.Close(p, new ClosePriorityRequest("Resolved"), "insp", Now));
        p = Fold(p, RaisePriority.Decide(p, Asb("b", "gone")));
        Assert.Equal(["gone", "stays"], Assert.Single(p.PastRounds).RaiserIds);

        var forgotten = Fold(p, ResidentErasedConsumer.Decide(p, "gone", Now));
        Assert.False(forgotten.WasRaisedBy("gone"));
        Assert.True(forgotten.WasRaisedBy("stays"));
        Assert.Empty(ResidentErasedConsumer.Decide(forgotten, "gone", Now));
        forgotten = forgotten.Evolve(new PriorityAdopted(p.Id, p.AreaCode, new Decision("Most raised", "insp", Now)));
        Assert.Empty(RecordAction.Decide(forgotten, Guid.NewGuid(), new RecordActionRequest(DateOnly.FromDateTime(Now.Date), "Patrols", null), "pc", Now,
            DateOnly.FromDateTime(Now.Date)).RaiserIds);
    }

    [Theory]
    [InlineData("ASB", "asb")]
    [InlineData("Road safety", "road-safety")]
    [InlineData(" A.S.B. ", "a-s-b")]
    public void categories_compare_as_slugs(string text, string slug) => Assert.Equal(slug, RaisePriority.Category(text));

    [Fact]
    public void the_score_is_the_weighted_share_of_the_top_of_the_scale_and_needs_every_dimension()
    {
        var ranking = new RankingOptions();
        var all4 = ranking.Dimensions.ToDictionary(d => d, _ => 4);
        Assert.Equal(100, ranking.Score(all4));
        var harmOnly = ranking.Dimensions.ToDictionary(d => d, d => d.EndsWith("-harm", StringComparison.Ordinal) ? 4 : 0);
        // Four harm dimensions of weight 1 at the top, out of a total weight of 8: 4*4 / (8*4).
        Assert.Equal(50, ranking.Score(harmOnly));
        Assert.Null(ranking.Score(harmOnly.Where(kv => kv.Key != "confidence").ToDictionary()));
        ranking.Weights["confidence"] = 0;
        Assert.DoesNotContain("confidence", ranking.Dimensions);
        Assert.Equal(53.3, ranking.Score(harmOnly));
    }

    [Fact]
    public void an_assessment_scores_every_dimension_in_force_within_the_scale()
    {
        var p = Fold(Priority.Initial, RaisePriority.Decide(Priority.Initial, Asb("a")));
        var e = Assert.Throws<ValidationFailedException>(() =>
            AssessPriority.Decide(p, new AssessPriorityRequest(new Dictionary<string, int> { ["scope"] = 9, ["glamour"] = 1 }), new RankingOptions(), "analyst", Now));
        Assert.Contains("scores.scope", e.Errors!.Keys);
        Assert.Contains("scores.glamour", e.Errors!.Keys);
        Assert.Contains("scores.likelihood", e.Errors!.Keys);
    }

    [Fact]
    public void adoption_needs_a_reason_and_stops_at_the_limit()
    {
        var p = Fold(Priority.Initial, RaisePriority.Decide(Priority.Initial, Asb("a")));
        Assert.Throws<ValidationFailedException>(() => ChoosePriority.Adopt(p, new AdoptPriorityRequest(""), 0, 3, "insp", Now));
        var full = Assert.Throws<ConflictException>(() => ChoosePriority.Adopt(p, new AdoptPriorityRequest("Most raised"), 3, 3, "insp", Now));
        Assert.Equal("adopted-limit-reached", full.ProblemType);
        Assert.Equal(PriorityStatus.Adopted, p.Evolve(ChoosePriority.Adopt(p, new AdoptPriorityRequest("Most raised"), 2, 3, "insp", Now)).Status);
    }

    [Fact]
    public void an_action_on_an_adopted_priority_carries_the_issue_and_its_raisers()
    {
        var p = Fold(Priority.Initial, RaisePriority.Decide(Priority.Initial, Asb("a", "r1")));
        Assert.Throws<ConflictException>(() => RecordAction.Decide(p, Guid.NewGuid(), new RecordActionRequest(new DateOnly(2026, 11, 28), "Patrols", null), "pc", Now, new DateOnly(2026, 11, 29)));
        p = p.Evolve(ChoosePriority.Adopt(p, new AdoptPriorityRequest("Most raised"), 0, 3, "insp", Now));
        var actioned = RecordAction.Decide(p, Guid.NewGuid(), new RecordActionRequest(new DateOnly(2026, 11, 28), "Extra patrols on Friday nights", "Fewer calls"), "pc", Now, new DateOnly(2026, 11, 29));
        Assert.Equal(p.Issue, actioned.Issue);
        Assert.Equal(["r1"], actioned.RaiserIds);
    }

    [Fact]
    public void an_open_priority_with_no_action_after_three_months_is_stale()
    {
        var p = Fold(Priority.Initial, RaisePriority.Decide(Priority.Initial, Asb("a")));
        var ranking = new RankingOptions();
        Assert.False(PriorityView.IsStale(p, ranking, Now.AddMonths(3)));
        Assert.True(PriorityView.IsStale(p, ranking, Now.AddMonths(3).AddDays(1)));
    }

    [Fact]
    public void a_survey_file_is_refused_with_every_line_and_column_at_fault()
    {
        var areas = new AreaDirectory([new Area("bulwell", "Bulwell", "Nottingham", [], [])]);
        var rows = ImportSurvey.Parse("respondent_area,issue_category,free_text,date\nbulwell,ASB,\"Bikes, at night\nand by day\",2026-11-01\n", areas);
        var row = Assert.Single(rows);
        Assert.Equal("Bikes, at night\nand by day", row.FreeText);
        var e = Assert.Throws<ValidationFailedException>(() =>
            ImportSurvey.Parse("respondent_area,issue_category,free_text,date\nnowhere,asb,x,2026-11-01\nbulwell,,x,01/11/2026\n", areas));
        Assert.Equal(["line 2, column 1", "line 3, column 2", "line 3, column 4"], e.Errors!.Keys.Order());
    }

    [Theory]
    [InlineData("Call me on 07700 900123 about the bikes", "Call me on [removed] about the bikes")]
    [InlineData("Ring (0115) 496 0123 or +44 7700 900 456", "Ring [removed] or [removed]")]
    [InlineData("Email jo.bloggs@example.org if needed", "Email [removed] if needed")]
    [InlineData("Drug dealing outside 12 Main St, ng6 8ab", "Drug dealing outside 12 Main St, NG6 8")]
    [InlineData("Speeding on the A611 past 40 houses since 2019", "Speeding on the A611 past 40 houses since 2019")]
    public void survey_free_text_loses_contact_details_and_full_postcodes_before_it_is_kept(string written, string kept)
    {
        var areas = new AreaDirectory([new Area("bulwell", "Bulwell", "Nottingham", [], [])]);
        var row = Assert.Single(ImportSurvey.Parse($"respondent_area,issue_category,free_text,date\nbulwell,asb,\"{written}\",2026-11-01\n", areas));
        Assert.Equal(kept, row.FreeText);
    }
}
