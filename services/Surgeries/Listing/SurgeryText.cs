using System.Text;

namespace Engagement.Surgeries.Listing;

/// <summary>How a surgery is described to the public, in one place: the calendar feed and police.uk's events say the same.</summary>
public static class SurgeryText
{
    public static string Address(Venue venue)
    {
        ArgumentNullException.ThrowIfNull(venue);
        return $"{venue.Name}, {venue.Address}, {venue.Postcode}";
    }

    /// <summary>Who hosts it, its topics, whether to book, step-free access and the venue's notes, a line each.</summary>
    public static string Description(Surgery s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var description = new StringBuilder($"Hosted by {s.Host.Name}.");
        if (s.Topics.Count > 0)
        {
            description.Append($"\nTopics: {string.Join(", ", s.Topics)}.");
        }

        description.Append(s.IsDropIn ? "\nDrop in: no booking needed." : "\nBooking: places are limited.");
        if (s.Venue.Accessible)
        {
            description.Append("\nThe venue is step-free.");
        }

        if (s.Venue.Notes is { } notes)
        {
            description.Append('\n').Append(notes);
        }

        return description.ToString();
    }
}
