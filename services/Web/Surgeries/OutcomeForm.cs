namespace Engagement.Web.Surgeries;

/// <summary>What the officer records after a surgery: who came, and each issue raised.</summary>
public sealed class OutcomeForm
{
    public int? Attendance { get; set; }
    public List<IssueLine> Issues { get; } = [new()];
    public string Notes { get; set; } = "";

    public sealed class IssueLine
    {
        public string Category { get; set; } = "";
        public string Summary { get; set; } = "";

        /// <summary>The bookings of those who raised it and asked to hear back ("you said, we did").</summary>
        public HashSet<Guid> RaisedBy { get; } = [];
    }

    /// <summary>The API's request (POST /api/surgeries/{id}/outcome); blank issue lines are left out.</summary>
    public object Request() => new
    {
        attendance = Attendance,
        issuesRaised = Issues.Where(i => i.Category.Length > 0 || i.Summary.Length > 0).Select(i => new { category = i.Category, summary = i.Summary, raisedBy = i.RaisedBy.Select(b => b.ToString()) }),
        notes = string.IsNullOrWhiteSpace(Notes) ? null : Notes,
    };
}
