using System.Security.Claims;
using System.Text.RegularExpressions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.Outcomes;

public sealed record IssueRequest(string? Category, string? Summary);

public sealed record RecordOutcomeRequest(int? Attendance, IReadOnlyList<IssueRequest>? IssuesRaised, string? Notes);

public static partial class RecordOutcome
{
    /// <summary>Issue categories, after the force's priorities; they feed each area's plan.</summary>
    public static readonly IReadOnlySet<string> Categories = new HashSet<string>(StringComparer.Ordinal)
    {
        "asb", "burglary", "vehicle-crime", "robbery", "violence", "knife-crime", "vawg", "drugs", "hate-crime", "fraud",
        "exploitation", "rural-crime", "road-safety", "environmental", "other",
    };

    // Issue summaries leave this service (SurgeryHeld), so they must not carry contact details; notes stay here.
    [GeneratedRegex(@"[^@\s]+@[^@\s]+\.[^@\s]+|(\+?\d[\d ()-]{8,}\d)")]
    private static partial Regex ContactDetails();

    public static SurgeryHeld Decide(Surgery s, RecordOutcomeRequest request, DateTimeOffset now, string by)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(request);
        var rules = new Scheduling.Rules();
        if (request.Attendance is not { } attendance || attendance < 0 || attendance > 10000)
        {
            rules.Add("attendance", "How many people came: 0 to 10,000.");
        }

        var issues = request.IssuesRaised ?? [];
        if (issues.Count > 50)
        {
            rules.Add("issuesRaised", "At most 50 issues.");
        }

        var raised = new List<IssueRaisedAt>();
        for (var i = 0; i < issues.Count; i++)
        {
            var category = issues[i].Category?.Trim().ToLowerInvariant() ?? "";
            if (!Categories.Contains(category))
            {
                rules.Add($"issuesRaised[{i}].category", $"One of: {string.Join(", ", Categories.Order(StringComparer.Ordinal))}.");
            }

            var summary = rules.Text($"issuesRaised[{i}].summary", issues[i].Summary, 280);
            if (ContactDetails().IsMatch(summary))
            {
                rules.Add($"issuesRaised[{i}].summary", "Leave out email addresses and phone numbers: summaries are shared with other teams. Put them in notes.");
            }

            raised.Add(new IssueRaisedAt(category, summary));
        }

        var notes = rules.Text("notes", request.Notes, 4000, required: false);
        rules.ThrowIfAny();
        if (s.Status == SurgeryStatus.Cancelled)
        {
            throw new ConflictException("surgery-not-open", "This surgery was cancelled; it has no outcome.");
        }

        if (s.Status == SurgeryStatus.Held)
        {
            throw new ConflictException("outcome-recorded", "The outcome of this surgery is already recorded.");
        }

        if (s.StartsAt > now)
        {
            throw new ConflictException("surgery-not-started", "This surgery has not started yet.");
        }

        return new SurgeryHeld(s.Id, s.At, request.Attendance!.Value, raised, notes.Length == 0 ? null : notes, by);
    }

    public static async Task<Ok<SurgeryView>> Handle(Guid id, RecordOutcomeRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var result = await SurgeryCommands.HandleAsync(store, id, http.Request.IfMatchVersion(), user.SubjectId(), s =>
        {
            user.RequireArea(s.AreaCode);
            return [Decide(s, request, clock.GetUtcNow(), user.SubjectId())];
        }, ct: ct);
        return Scheduling.ScheduleSurgery.Changed(http, result);
    }
}
