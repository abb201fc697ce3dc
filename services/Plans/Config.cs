using Engagement.MartenAdditions;
using Engagement.Plans.Planning;
using Engagement.Plans.PoliceUk;
using Engagement.Plans.Priorities;
using Engagement.Plans.Raisers;
using Engagement.ServiceDefaults;
using Marten;
using MassTransit;

namespace Engagement.Plans;

public static class Config
{
    /// <summary>The store: event aliases and every document type (Marten creates nothing at run time).</summary>
    public static void ConfigureStore(StoreOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        PlanEvents.Register(options);
        PriorityEvents.Register(options);
        Activities.ActivityDocument.Register(options);
        Evaluation.AreaDigest.Register(options);
        Evaluation.PlanCountersProjection.Register(options);
    }

    /// <summary>The service's own tables, beside Marten's: what evaluations count from.</summary>
    public static void SchemaSteps(SchemaSteps steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        steps.Add(Evaluation.PlanCountersProjection.Name, Evaluation.PlanCountersProjection.Migrations);
        steps.Add("reply-clock", Evaluation.ReplyClock.Migrations);
        steps.Add(MartenAdditions.ErasedResidents.Component, MartenAdditions.ErasedResidents.Migrations);
        steps.Add("priority-votes", VoteForPriority.Migrations);
        steps.Add("resident-areas", ResidentAreas.Migrations);
    }

    /// <summary>Consumers of other services' events.</summary>
    public static void Consumers(IBusRegistrationConfigurator x)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.AddConsumer<SurgeryHeldConsumer, SurgeryHeldConsumerDefinition>();
        x.AddConsumer<ReplyIssueConsumer, ReplyIssueConsumerDefinition>();
        x.AddConsumer<Activities.SurgeryActivityConsumer, Activities.SurgeryActivityConsumerDefinition>();
        x.AddConsumer<Activities.AlertActivityConsumer, Activities.AlertActivityConsumerDefinition>();
        x.AddConsumer<Evaluation.ProfileRefreshedConsumer, Evaluation.ProfileRefreshedConsumerDefinition>();
        x.AddConsumer<Evaluation.EmergingIdentifiedConsumer, Evaluation.EmergingIdentifiedConsumerDefinition>();
        x.AddConsumer<ResidentErasedConsumer, ResidentErasedConsumerDefinition>();
        x.AddConsumer<Evaluation.ReplyClockConsumer, Evaluation.ReplyClockConsumerDefinition>();
        x.AddConsumer<SubscriberAreasChangedConsumer, SubscriberAreasChangedConsumerDefinition>();
    }

    public static WebApplicationBuilder AddPlans(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<RankingOptions>().BindConfiguration("Plans:Ranking")
            .Validate(o => o.IsValid, "Plans:Ranking: weights from 0 to 10 (at least one above 0) named in lower-case-with-hyphens, ScaleMax 1 to 10, AdoptedLimit 1 to 20, StaleAfterMonths 1 to 12.")
            .ValidateOnStart();
        return builder;
    }

    public static WebApplication MapPlansApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/plans").WithTags("Plans");

        // Neighbourhood teams keep their own areas' plans (admins any); communications and analysts read them.
        api.MapPost("/", DraftPlan.Handle).RequireRoles(Roles.Neighbourhood).WithIdempotencyKey()
            .WithSummary("Draft a plan for one area and period (12 months unless said otherwise, reviewed quarterly). Accepts Idempotency-Key.");
        api.MapGet("/", PlanCommands.List).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("An area's plans (?area=), newest period first.");
        api.MapGet("/{id:guid}", PlanCommands.Get).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("A plan: its objectives, what keeps it from publication, its revisions and when its review is due.");
        api.MapPost("/{id:guid}/objectives", SetObjective.Add).RequireRoles(Roles.Neighbourhood).WithIfMatch().WithIdempotencyKey()
            .WithSummary("Add an objective (metric and definition, baseline and period, target and date, data source, owner, level of engagement). Takes If-Match; accepts Idempotency-Key.");
        api.MapPut("/{id:guid}/objectives/{objectiveId:guid}", SetObjective.Replace).RequireRoles(Roles.Neighbourhood).WithIfMatch(required: true)
            .WithSummary("Replace an objective. Requires If-Match.");
        api.MapPost("/{id:guid}/publish", PublishPlan.Handle).RequireRoles(Roles.Neighbourhood).WithIfMatch(required: true)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Publish the plan as its next revision, with the reason for it; 422 naming every objective without a metric or a baseline. Requires If-Match; emits PlanPublished.");

        api.MapPost("/{id:guid}/objectives/{objectiveId:guid}/measurements", Evaluation.RecordMeasurement.Handle).RequireRoles(Roles.Neighbourhood, Roles.Analyst).WithIfMatch()
            .WithSummary("Record what an objective's metric stands at (value, day, source): the actual its target is evaluated against. Takes If-Match.");

        // Activities against the plan (surgeries and alerts are logged automatically), its evaluation, and the force-wide roll-up.
        api.MapPost("/{id:guid}/activities", Activities.LogActivity.Handle).RequireRoles(Roles.Neighbourhood, Roles.Communications).WithIdempotencyKey()
            .WithSummary("Log an activity (patrol, surgery, kin-cascade, alert, school-session, faith-venue-visit, online-post) with its day, target community, channel, priority and objective. Accepts Idempotency-Key.");
        api.MapGet("/{id:guid}/activities", Activities.LogActivity.List).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("The area's activities within the plan's period, those logged from surgeries and alerts included.");
        api.MapGet("/{id:guid}/evaluation", Evaluation.EvaluatePlan.Handle).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("Per objective the target against the latest actual; activity by community, channel and kind; target communities unreached this quarter; the share of raisers told; the 72-hour reply clock.");
        api.MapGet("/rollup", Evaluation.RollUp.Handle).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("Every area in your scope: its current plan, freshness, target communities reached this quarter and the share of raisers told; areas without a plan first.");

        // Candidates and the two rankings side by side; the inspector (a neighbourhood role) chooses and acts.
        api.MapGet("/priorities", PriorityCommands.List).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("An area's priorities (?area=, ?closed=true for closed ones too): mentions, votes and community rank beside the threat, risk and harm score and its rank; stale ones flagged.");
        api.MapGet("/priorities/{id:guid}", PriorityCommands.Get).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("A priority: its mentions and their sources, its score, adoption, actions and closing.");
        api.MapPost("/priorities/imports/survey", ImportSurvey.Handle).RequireRoles(Roles.Neighbourhood, Roles.Analyst)
            .Accepts<string>("text/csv")
            .WithSummary("Import survey answers as CSV (respondent_area,issue_category,free_text,date): each row a candidate issue; the same file again counts nothing twice.");
        api.MapPost("/priorities/imports/{source}", ImportSurvey.HandleExtract).RequireRoles(Roles.Neighbourhood, Roles.Analyst)
            .Accepts<string>("text/csv")
            .WithSummary("Import partner referrals (source partner) or crime or ASB extracts (crime, asb) as CSV (area,issue_category,summary,date,reference): each record a candidate issue, counted once by its reference.");
        api.MapGet("/priorities/assessment-scale", AssessPriority.Scale).RequireRoles(Roles.Neighbourhood, Roles.Communications, Roles.Analyst)
            .WithSummary("The threat, risk and harm dimensions in force (Plans:Ranking, MoRiLE's by default) with their weights, and the top of the scale each is scored on.");
        api.MapPost("/priorities/{id:guid}/assessment", AssessPriority.Handle).RequireRoles(Roles.Neighbourhood, Roles.Analyst).WithIfMatch()
            .WithSummary("Score the priority on every threat, risk and harm dimension in force (MoRiLE's by default), 0 to Plans:Ranking:ScaleMax. Takes If-Match.");
        api.MapPost("/priorities/{id:guid}/adopt", ChoosePriority.HandleAdopt).RequireRoles(Roles.Neighbourhood).WithIfMatch()
            .WithSummary("Adopt a candidate as one of the area's priorities (three at once by default), with the reason. Takes If-Match.");
        api.MapPost("/priorities/{id:guid}/pass-to-partner", ChoosePriority.HandlePass).RequireRoles(Roles.Neighbourhood).WithIfMatch()
            .WithSummary("Mark an issue another agency owns as passed to that partner, with their reference. Takes If-Match.");
        api.MapPost("/priorities/{id:guid}/actions", RecordAction.Handle).RequireRoles(Roles.Neighbourhood).WithIfMatch().WithIdempotencyKey()
            .WithSummary("Record what was done (date, text, outcome) on an adopted priority; emits PriorityActioned. Takes If-Match; accepts Idempotency-Key.");
        api.MapPost("/priorities/{id:guid}/close", RecordAction.HandleClose).RequireRoles(Roles.Neighbourhood).WithIfMatch()
            .WithSummary("Close the priority, with the reason; emits PriorityClosed. Takes If-Match.");

        // A resident of the area (their subscription's postcode, or their token, names it) votes for a candidate: the community's ranking is mentions and votes.
        api.MapPost("/priorities/{id:guid}/votes", VoteForPriority.Handle).RequireRoles(Roles.Resident)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("Vote for a candidate priority of your area (where your subscription's postcode is): once per resident (201; again, 200 with nothing added). The community's ranking is mentions and votes.");
        api.MapGet("/priorities/near-me", PrioritiesNearMe.Handle).RequireRoles(Roles.Resident)
            .WithSummary("The candidate priorities of the areas you live in (from your subscription's postcode), with their mentions, votes and whether you voted. Audited.");

        // A resident (the token's subject), about their own issues only: "you said, we did" as it stands now.
        api.MapGet("/raised", WhatIRaised.Handle).RequireRoles(Roles.Resident)
            .WithSummary("What became of each issue you raised and agreed to hear back about: the priority's status and what was done. Audited.");

        // Anyone, with no token: the area's priorities in police.uk's shape, for the clients that already read it.
        api.MapGet("/police-uk/" + PoliceUkFormat.Force + "/{area}/priorities", PoliceUkPriorities.Handle).AllowAnonymous()
            .WithSummary("police.uk's neighbourhood priorities: [{issue, issue-date, action, action-date}], HTML escaped from plain text, London local time without offset.");
        return app;
    }
}
