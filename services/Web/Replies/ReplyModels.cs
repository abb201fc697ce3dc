using System.Globalization;

namespace Engagement.Web.Replies;

// The replies API's shapes (GET /api/messaging/replies; POST .../replies/{id}/answer and .../replies/{id}/issue).

public sealed record StaffReplyDto(
    Guid ReplyId, Guid AlertId, string SubscriberId, string? Body, string Category, string AreaCode, bool Urgent, IReadOnlyList<string> Keywords,
    DateTimeOffset ReceivedAt, DateTimeOffset DueBy, bool Overdue, DateTimeOffset? AnsweredAt, string? Answer, bool RaisedAsIssue);

/// <summary>
/// The Neighbourhood Policing Guarantee's 72-hour clock in words: how long is left, or how long overdue, so it never
/// rests on colour. Times are in London.
/// </summary>
public static class ReplyClock
{
    public static string State(StaffReplyDto r, DateTimeOffset now) => r.AnsweredAt is not null ? "Answered" : r.DueBy <= now ? "Overdue" : "Waiting";

    public static string Text(StaffReplyDto r, DateTimeOffset now) => r.AnsweredAt is { } answered
        ? $"Answered {Api.MessagingWords.Time(answered)}."
        : r.DueBy <= now
            ? $"Overdue by {Span(now - r.DueBy)}: the answer was due by {Api.MessagingWords.Time(r.DueBy)}."
            : $"{Span(r.DueBy - now)} left: answer by {Api.MessagingWords.Time(r.DueBy)}.";

    /// <summary>"3 days 4 hours", "5 hours", "40 minutes": as precise as someone planning their day needs.</summary>
    public static string Span(TimeSpan t)
    {
        static string Unit(long n, string one) => n.ToString(CultureInfo.GetCultureInfo("en-GB")) + " " + one + (n == 1 ? "" : "s");
        if (t.TotalHours >= 24)
        {
            return t.Hours == 0 ? Unit(t.Days, "day") : $"{Unit(t.Days, "day")} {Unit(t.Hours, "hour")}";
        }

        return t.TotalHours >= 1 ? Unit((long)t.TotalHours, "hour") : Unit(Math.Max(1, (long)t.TotalMinutes), "minute");
    }
}
