using System.Security.Claims;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Engagement.Plans.Priorities;

public sealed record RecordActionRequest(DateOnly? Date, string? Text, string? Outcome);

public sealed record ClosePriorityRequest(string? Reason);

/// <summary>
/// <c>POST .../actions</c>: what was done about an adopted priority (date, text, outcome); emits PriorityActioned, which
/// is what the raisers will hear. <c>POST .../close</c> ends the priority's round; emits PriorityClosed.
/// </summary>
public static class RecordAction
{
    public static PriorityActioned Decide(Priority state, Guid actionId, RecordActionRequest request, string by, DateTimeOffset now, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var text = errors.Text("text", request.Text, 2000);
        var outcome = errors.Text("outcome", request.Outcome, 1000, required: false);
        if (request.Date is not { } date || date > today || date < today.AddYears(-1))
        {
            errors.Add("date", "The day it was done: today or within the past year.");
        }

        errors.ThrowIfAny();
        if (state.Status != PriorityStatus.Adopted)
        {
            throw new ConflictException("priority-not-adopted", "Actions are recorded on adopted priorities.", $"This priority is {state.Status}.");
        }

        return new PriorityActioned(state.Id, state.AreaCode, new PriorityAction(actionId, request.Date!.Value, text, outcome.Length == 0 ? null : outcome, by, now),
            state.Issue, state.RaiserIds);
    }

    public static PriorityClosed Close(Priority state, ClosePriorityRequest request, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var reason = errors.Text("reason", request.Reason, 1000);
        errors.ThrowIfAny();
        return state.Status == PriorityStatus.Closed
            ? throw new ConflictException("priority-closed", "The priority is already closed.")
            : new PriorityClosed(state.Id, state.AreaCode, state.Category, new Decision(reason, by, now));
    }

    public static async Task<Ok<PriorityView>> Handle(
        Guid id, RecordActionRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, IOptions<RankingOptions> ranking, TimeProvider clock,
        CancellationToken ct)
    {
        var actionId = http.Request.ResourceId("priority-action");
        var result = await PriorityCommands.HandleAsync(store, id, http.Request.IfMatchVersion(), user, p =>
            p.Actions.Any(a => a.ActionId == actionId) ? [] : [Decide(p, actionId, request, user.SubjectId(), clock.GetUtcNow(), PriorityCommands.Today(clock))], ct);
        return PriorityCommands.Answer(http, result, ranking.Value, clock);
    }

    public static async Task<Ok<PriorityView>> HandleClose(
        Guid id, ClosePriorityRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, IOptions<RankingOptions> ranking, TimeProvider clock,
        CancellationToken ct)
    {
        var result = await PriorityCommands.HandleAsync(store, id, http.Request.IfMatchVersion(), user,
            p => [Close(p, request, user.SubjectId(), clock.GetUtcNow())], ct);
        return PriorityCommands.Answer(http, result, ranking.Value, clock);
    }
}
