using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Messaging.Alerts;

/// <summary>An alert waiting for its second person, with what they need to judge it: the text, the audience, who asked.</summary>
public sealed record AwaitingApprovalView(
    Guid Id, string Type, string Priority, string Subject, string Body, IReadOnlyList<string> Languages, Audience Audience, long Targeted,
    string RequestedBy, long Version);

/// <summary>
/// GET /alerts/awaiting-approval: the approval queue the console shows the second person, read from the inline snapshots
/// (never behind their streams), so an alert leaves it the moment it is approved or cancelled.
/// </summary>
public static class ApprovalQueue
{
    public const int Limit = 200;

    public static async Task<Ok<IReadOnlyList<AwaitingApprovalView>>> Handle(IQuerySession session, CancellationToken ct)
    {
        // Oldest request first: the one that has waited longest is seen first. Marten's LINQ cannot order by its own
        // modified time, so this is its SQL over the snapshot table (enums are stored by name).
        var waiting = await session.QueryAsync<AlertDocument>(
            $"where data -> 'state' ->> 'status' = ? order by mt_last_modified, id limit {Limit}", ct, nameof(AlertStatus.AwaitingApproval));
        return TypedResults.Ok<IReadOnlyList<AwaitingApprovalView>>(waiting
            .Select(d => (Alert: d.State, d.Version))
            .Select(x => new AwaitingApprovalView(x.Alert.Id, x.Alert.Type, x.Alert.Priority, x.Alert.Subject, x.Alert.Body,
                x.Alert.Translations.Keys.Order(StringComparer.Ordinal).ToList(), x.Alert.Audience, x.Alert.Targeted, x.Alert.RequestedBy, x.Version))
            .ToList());
    }
}
