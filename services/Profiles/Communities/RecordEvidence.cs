using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Profiles.Communities;

public sealed record RecordEvidenceRequest(string? Channel, string? Kind, string? Source, string? Confidence, DateOnly? ReviewBy, string? Notes, string? Reason);

/// <summary><c>POST /api/profiles/communities/{id}/evidence</c>: one piece of evidence of how a community prefers to be reached.</summary>
public static class RecordEvidence
{
    public static readonly IReadOnlyList<string> Channels =
        ["faith-venue", "community-group", "community-whatsapp", "community-radio", "alert-email", "alert-sms", "alert-in-app", "leaflet-in-language", "face-to-face", "social-media", "other"];

    public static readonly IReadOnlyList<string> Kinds = ["asked-directly", "observed", "iag-advice", "partner-advice", "officer-judgement"];

    public static readonly IReadOnlyList<string> Confidences = ["low", "medium", "high"];

    /// <summary>Evidence is looked at again within two years at the latest; local knowledge goes out of date.</summary>
    public const int MaxReviewDays = 730;

    public static ChannelEvidenceRecorded Decide(Community state, Guid evidenceId, RecordEvidenceRequest request, string by, DateTimeOffset now, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var channel = OneOf(errors, "channel", request.Channel, Channels);
        var kind = OneOf(errors, "kind", request.Kind, Kinds);
        var confidence = OneOf(errors, "confidence", request.Confidence, Confidences);
        var source = errors.Text("source", request.Source, 300);
        var notes = errors.Text("notes", request.Notes, 2000, required: false);
        var reason = errors.Text("reason", request.Reason, 1000, required: false);
        if (request.ReviewBy is not { } reviewBy || reviewBy <= today || reviewBy > today.AddDays(MaxReviewDays))
        {
            errors.Add("reviewBy", $"A date after today and within {MaxReviewDays} days, when this should be checked again.");
        }

        errors.ThrowIfAny();
        return new ChannelEvidenceRecorded(state.Id,
            new ChannelEvidence(evidenceId, channel, kind, source, confidence, request.ReviewBy!.Value, by, now, notes.Length == 0 ? null : notes),
            reason);
    }

    private static string OneOf(FieldErrors errors, string field, string? value, IReadOnlyList<string> allowed)
    {
        var v = value?.Trim().ToLowerInvariant() ?? "";
        if (!allowed.Contains(v))
        {
            errors.Add(field, $"One of: {string.Join(", ", allowed)}.");
        }

        return v;
    }

    public static async Task<Ok<CommunityView>> Handle(
        Guid id, RecordEvidenceRequest request, HttpContext http, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var evidenceId = http.Request.ResourceId("evidence");
        CommandResult<CommunityDocument> result;
        try
        {
            result = await CommandPath.HandleAsync<CommunityDocument>(store, Community.StreamId(id), http.Request.IfMatchVersion(), (doc, _) =>
            {
                if (!doc.State.Exists)
                {
                    throw new NotFoundException("Community", id.ToString());
                }

                user.RequireArea(doc.State.AreaCode);
                return doc.State.Evidence.Any(e => e.EvidenceId == evidenceId)
                    ? []
                    : [Decide(doc.State, evidenceId, request, user.SubjectId(), clock.GetUtcNow(), CommunityView.Today(clock))];
            }, user: user.SubjectId(), ct: ct);
        }
        catch (StaleVersionException e) when (e.Actual == 0)
        {
            throw new NotFoundException("Community", id.ToString());
        }

        http.Response.Headers.ETag = Requests.ETag(result.Version);
        return TypedResults.Ok(CommunityView.From(result.State.State, result.Version, CommunityView.Today(clock)));
    }
}
