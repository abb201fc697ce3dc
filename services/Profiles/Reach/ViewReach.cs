using System.Security.Claims;
using System.Text.RegularExpressions;
using Engagement.Profiles.Communities;
using Engagement.Profiles.Imports;
using Engagement.Profiles.Reading;
using Engagement.ServiceDefaults;
using Marten;
using C = Engagement.Contracts;

namespace Engagement.Profiles.Reach;

public sealed record ChannelReach(string Channel, int Subscribers, decimal? PerThousandHouseholds);

/// <param name="Representation">The language's share of subscribers over its share of residents: 1 is a fair share, 0.2 a fifth of it.</param>
public sealed record LanguageReach(string Code, string CensusName, int Subscribers, decimal? ShareOfSubscribers, long? CensusResidents, decimal? CensusShare, decimal? Representation);

public sealed record AreaReach(
    string AreaCode, string AreaName, string District, DateOnly? CountedOn, long? Households, int Subscribers, int KinMembers,
    IReadOnlyList<ChannelReach> Channels, IReadOnlyList<LanguageReach> Languages, IReadOnlyList<string> Notes);

public sealed record CommunityReach(
    Guid CommunityId, string Name, string AreaCode, IReadOnlyList<string> Languages, int SubscribersReading, decimal? ShareOfSubscribers, decimal? CensusShare,
    decimal? Representation);

public sealed record ReachOverview(DateOnly? CountedOn, IReadOnlyList<AreaReach> Areas, IReadOnlyList<CommunityReach> Communities, IReadOnlyList<string> Notes);

/// <summary>
/// Reach: Messaging's daily audience count set against the census. Per area, subscribers per 1,000 households on each
/// channel, and each language's share of subscribers against its share of residents (TS024, local authority). Which
/// areas and named communities the force's channels barely reach, worst first. The count and the communities are the
/// force's own knowledge, so staff see their own areas (force-wide tokens see every area).
/// </summary>
public static class ViewReach
{
    /// <summary>Languages shown for an area even with no subscriber reading them: at least this share of residents.</summary>
    private const decimal NotableCensusShare = 0.5m;

    private static readonly string[] Channels = ["inapp", "email", "sms"];

    public static async Task<IResult> Area(string code, ClaimsPrincipal user, AreaDirectory areas, CensusFigures figures, IQuerySession session, CancellationToken ct)
    {
        var area = areas.Find(code) ?? throw new NotFoundException("Area", code);
        user.RequireArea(area.Code);
        var census = await Census.LoadAsync(figures, ct);
        var snapshot = await AudienceSnapshot.LatestAsync(session, ct);
        return TypedResults.Ok(Build(area, areas, census, snapshot));
    }

    public static async Task<IResult> Overview(ClaimsPrincipal user, AreaDirectory areas, CensusFigures figures, IQuerySession session, CancellationToken ct)
    {
        var scoped = user.ScopedAreas();
        var mine = areas.All.Where(a => scoped is null || scoped.Contains(a.Code, StringComparer.Ordinal)).ToList();
        var census = await Census.LoadAsync(figures, ct);
        var snapshot = await AudienceSnapshot.LatestAsync(session, ct);
        var reach = mine.Select(a => Build(a, areas, census, snapshot)).ToList();
        var codes = mine.Select(a => a.Code).ToList();
        var communities = await session.Query<CommunityDocument>().Where(d => d.State.AreaCode.IsOneOf(codes)).ToListAsync(ct);
        var byArea = reach.ToDictionary(r => r.AreaCode, StringComparer.Ordinal);
        var communityReach = communities.Select(d => Community(d.State, areas.Find(d.State.AreaCode)!, areas, census, snapshot)).ToList();
        return TypedResults.Ok(new ReachOverview(
            snapshot?.CountedOn,
            reach.OrderBy(r => r.Households is null ? 1 : 0).ThenBy(r => PerThousand(r, "inapp") ?? decimal.MaxValue).ThenBy(r => r.AreaCode, StringComparer.Ordinal).ToList(),
            communityReach.OrderBy(c => c.Representation is null ? 1 : 0).ThenBy(c => c.Representation).ThenBy(c => c.Name, StringComparer.Ordinal).ToList(),
            Notes(census, snapshot)));
    }

    private static decimal? PerThousand(AreaReach r, string channel) => r.Channels.FirstOrDefault(c => c.Channel == channel)?.PerThousandHouseholds;

    public static AreaReach Build(Area area, AreaDirectory areas, Census census, AudienceSnapshot? snapshot)
    {
        var audience = Audience(area, snapshot);
        var households = census.Tenure is { } tenure ? ViewProfile.Build(area, areas, CensusTables.ByCode("TS054")!, tenure).Total.Count : (long?)null;
        var channels = Channels.Select(c => new ChannelReach(c, audience.SubscribersByChannel.GetValueOrDefault(c),
            households is > 0 ? Math.Round(1000m * audience.SubscribersByChannel.GetValueOrDefault(c) / households.Value, 1) : null)).ToList();

        var languages = Languages(area, areas, census);
        var codes = CensusLanguages.ByCode.Keys
            .Where(code => audience.SubscribersByLanguage.GetValueOrDefault(code) > 0 || Share(languages, CensusLanguages.ByCode[code]) >= NotableCensusShare)
            .Concat(audience.SubscribersByLanguage.Keys.Where(k => audience.SubscribersByLanguage[k] > 0 && !CensusLanguages.ByCode.ContainsKey(k)))
            .Distinct(StringComparer.Ordinal);
        var languageReach = codes.Select(code =>
        {
            var names = CensusLanguages.ByCode.GetValueOrDefault(code) ?? [];
            var subscribers = audience.SubscribersByLanguage.GetValueOrDefault(code);
            var share = Percent(subscribers, audience.Subscribers);
            var residents = languages is null || names.Length == 0 ? null : (long?)languages.Figures.Where(f => names.Contains(f.Name, StringComparer.Ordinal)).Sum(f => f.Count);
            var censusShare = Share(languages, names);
            return new LanguageReach(code, names.Length == 0 ? "(no census category)" : string.Join(", ", names), subscribers, share, residents, censusShare, Ratio(share, censusShare));
        }).OrderByDescending(l => l.CensusShare ?? -1).ThenByDescending(l => l.Subscribers).ToList();

        return new AreaReach(area.Code, area.Name, area.District, snapshot?.CountedOn, households, audience.Subscribers, audience.KinMembers, channels, languageReach,
            Notes(census, snapshot));
    }

    private static CommunityReach Community(Community c, Area area, AreaDirectory areas, Census census, AudienceSnapshot? snapshot)
    {
        var audience = Audience(area, snapshot);
        var codes = CensusLanguages.CodesFor(c.Languages);
        var reading = codes.Sum(code => audience.SubscribersByLanguage.GetValueOrDefault(code));
        var share = Percent(reading, audience.Subscribers);
        var languages = Languages(area, areas, census);
        // A language with a code stands for its census categories; one without ("Romani") for the categories named by it.
        var names = codes.SelectMany(code => CensusLanguages.ByCode[code])
            .Concat(languages?.Figures.Where(f => c.Languages.Any(l => CensusLanguages.CodesFor([l]).Count == 0 && NamesLanguage(f.Name, l))).Select(f => f.Name) ?? [])
            .Distinct(StringComparer.Ordinal).ToArray();
        var censusShare = names.Length == 0 ? null : Share(languages, names);
        return new CommunityReach(c.Id, c.Name, c.AreaCode, c.Languages, reading, share, censusShare, Ratio(share, censusShare));
    }

    private static bool NamesLanguage(string censusName, string language) =>
        language.Length > 1 && Regex.IsMatch(censusName, $@"\b{Regex.Escape(language)}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));

    private static C.AreaAudience Audience(Area area, AudienceSnapshot? snapshot) =>
        snapshot?.Areas.FirstOrDefault(a => a.AreaCode == area.Code)
        ?? new C.AreaAudience(area.Code, 0, new Dictionary<string, int>(), new Dictionary<string, int>(), 0);

    /// <summary>Every TS024 category of the area's district, flattened (the language figures are local-authority ones).</summary>
    private static Flat? Languages(Area area, AreaDirectory areas, Census census)
    {
        if (census.Languages is not { } loaded)
        {
            return null;
        }

        var section = ViewProfile.Build(area, areas, CensusTables.ByCode("TS024")!, loaded);
        static IEnumerable<Figure> All(Figure f) => f.Children.SelectMany(All).Prepend(f);
        return new Flat(section.Total.Count, section.Figures.SelectMany(All).ToList());
    }

    private static decimal? Share(Flat? languages, IReadOnlyCollection<string> names) =>
        languages is null || names.Count == 0 ? null : Percent(languages.Figures.Where(f => names.Contains(f.Name, StringComparer.Ordinal)).Sum(f => f.Count), languages.Total);

    private static decimal? Percent(long count, long total) => total == 0 ? null : Math.Round(100m * count / total, 2);

    private static decimal? Ratio(decimal? share, decimal? censusShare) => share is { } s && censusShare is > 0 ? Math.Round(s / censusShare.Value, 2) : null;

    private static List<string> Notes(Census census, AudienceSnapshot? snapshot)
    {
        var notes = new List<string>();
        if (snapshot is null)
        {
            notes.Add("Messaging has not yet published an audience count, so every subscriber figure is zero.");
        }

        notes.Add(census.Languages is null
            ? "TS024 (main language) is not imported yet, so no language has a census share."
            : "Census language shares are the district's: TS024 is published for local authorities only.");
        if (census.Tenure is null)
        {
            notes.Add("TS054 (tenure) is not imported yet, so there are no household counts to divide by.");
        }

        return notes;
    }

    private sealed record Flat(long Total, IReadOnlyList<Figure> Figures);

    /// <summary>The two census tables reach needs, as currently imported.</summary>
    public sealed record Census(LoadedDataset? Tenure, LoadedDataset? Languages)
    {
        public static async Task<Census> LoadAsync(CensusFigures figures, CancellationToken ct)
        {
            var current = await figures.CurrentAsync(ct);
            return new Census(await figures.TableAsync(current, "TS054", ct), await figures.TableAsync(current, "TS024", ct));
        }
    }
}
