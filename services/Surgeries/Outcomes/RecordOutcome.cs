using System.Security.Claims;
using System.Text.RegularExpressions;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Engagement.Surgeries.Listing;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Surgeries.Outcomes;

/// <param name="RaisedBy">Who raised it: booking ids of this surgery, or the resident ids of its bookings.</param>
public sealed record IssueRequest(string? Category, string? Summary, IReadOnlyList<string>? RaisedBy = null);

/// <param name="ConsentGivenBy">Bookings (ids, or their residents' ids) whose resident agreed at the surgery to hear back.</param>
public sealed record RecordOutcomeRequest(int? Attendance, IReadOnlyList<IssueRequest>? IssuesRaised, string? Notes, IReadOnlyList<string>? ConsentGivenBy = null);

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

        var consentGivenAt = Bookings(s, "consentGivenBy", request.ConsentGivenBy, rules);
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

            var raisedBy = Bookings(s, $"issuesRaised[{i}].raisedBy", issues[i].RaisedBy, rules);
            raised.Add(new IssueRaisedAt(category, summary, raisedBy.Select(b => b.BookingId).ToList(),
                raisedBy.Where(b => b.ConsentToHearBack || consentGivenAt.Contains(b)).Select(b => b.ResidentId).Distinct(StringComparer.Ordinal).ToList()));
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

        return new SurgeryHeld(s.Id, s.At, request.Attendance!.Value, raised, notes.Length == 0 ? null : notes, by,
            consentGivenAt.Select(b => b.BookingId).ToList());
    }

    /// <summary>
    /// The bookings of this surgery that <paramref name="ids"/> name, each by booking id or by its resident's id; an id
    /// that names none is refused by its place in the list, so a raiser can never be someone who did not book here.
    /// </summary>
    private static IReadOnlyList<SurgeryBooking> Bookings(Surgery s, string field, IReadOnlyList<string>? ids, Scheduling.Rules rules)
    {
        var found = new List<SurgeryBooking>();
        for (var j = 0; j < (ids?.Count ?? 0); j++)
        {
            var id = ids![j]?.Trim() ?? "";
            var booking = Guid.TryParse(id, out var bookingId) ? s.Bookings.FirstOrDefault(b => b.BookingId == bookingId) : null;
            booking ??= s.Bookings.Where(b => b.ResidentId == id).OrderBy(b => b.Status == BookingStatus.Cancelled).FirstOrDefault();
            if (booking is null)
            {
                rules.Add($"{field}[{j}]", "Not a booking of this surgery: name a booking id or the resident id of one of its bookings.");
            }
            else if (!found.Contains(booking))
            {
                found.Add(booking);
            }
        }

        return found;
    }

    public static async Task<Ok<SurgeryView>> Handle(
        Guid id, RecordOutcomeRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, TimeProvider clock,
        CancellationToken ct)
    {
        SurgeryHeld? held = null;
        var result = await SurgeryCommands.HandleAsync(store, id, http.Request.IfMatchVersion(), user.SubjectId(), s =>
        {
            user.RequireArea(s.AreaCode);
            held = Decide(s, request, clock.GetUtcNow(), user.SubjectId());
            return [held];
        }, (session, _, t) => AuditRaisersAsync(session, settings, user, held!, t), ct);
        return Scheduling.ScheduleSurgery.Changed(http, result);
    }

    /// <summary>
    /// Naming a booking as a raiser collects what its resident said, and consent given at the surgery changes the
    /// booking: each is a row in the audit log (DPA 2018 s62), committed with the outcome or not at all.
    /// </summary>
    private static async Task AuditRaisersAsync(IDocumentSession session, EventStoreSettings settings, ClaimsPrincipal user, SurgeryHeld held, CancellationToken ct)
    {
        var (actor, role) = (user.SubjectId(), user.FindFirst("role")?.Value);
        var rows = held.IssuesRaised
            .SelectMany(i => (i.RaisedBy ?? []).Select(b => new Audit.Row(actor, role, new Audit.Entry("collect", "booking", b.ToString(),
                "named as a raiser of an issue at the surgery", new { surgeryId = held.SurgeryId, category = i.Category }))))
            .Concat((held.ConsentGivenAt ?? []).Select(b => new Audit.Row(actor, role, new Audit.Entry("change", "booking", b.ToString(),
                "consent to hear back given at the surgery", new { surgeryId = held.SurgeryId }))))
            .ToList();
        await Audit.RecordManyAsync(await session.ConnectionInTransactionAsync(ct), null, settings.Schema, rows, ct);
    }
}
