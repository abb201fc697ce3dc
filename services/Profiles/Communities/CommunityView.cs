using System.Security.Claims;
using Engagement.ServiceDefaults;
using Marten;

namespace Engagement.Profiles.Communities;

/// <param name="Stale">Past its review date (Europe/London): shown, but not to be relied on until someone checks it again.</param>
public sealed record EvidenceView(
    Guid Id, string Channel, string Kind, string Source, string Confidence, DateOnly ReviewBy, bool Stale, string RecordedBy, DateTimeOffset RecordedAt, string? Notes);

public sealed record CommunityView(
    Guid Id, string AreaCode, string Name, CommunityDefinition Definition, IReadOnlyList<string> Languages, IReadOnlyList<string> Venues,
    IReadOnlyList<Guid> Intermediaries, IReadOnlyList<EvidenceView> ChannelEvidence, long Version)
{
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(London.Show(clock.GetUtcNow()).DateTime);

    public static CommunityView From(Community c, long version, DateOnly today) => new(
        c.Id, c.AreaCode, c.Name, c.Definition, c.Languages, c.Venues, c.Intermediaries,
        c.Evidence.Select(e => new EvidenceView(e.EvidenceId, e.Channel, e.Kind, e.Source, e.Confidence, e.ReviewBy, e.ReviewBy < today, e.RecordedBy,
            London.Show(e.RecordedAt), e.Notes)).ToList(),
        version);

    /// <summary>
    /// <c>GET /api/profiles/areas/{code}/communities</c>: the area's named communities with their channel evidence. Unlike
    /// the census figures (public statistics), this is the force's own knowledge, so it is confined to the caller's areas.
    /// </summary>
    public static async Task<IResult> List(string code, ClaimsPrincipal user, AreaDirectory areas, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var area = areas.Find(code) ?? throw new NotFoundException("Area", code);
        user.RequireArea(area.Code);
        var docs = await session.Query<CommunityDocument>().Where(d => d.State.AreaCode == area.Code).ToListAsync(ct);
        var today = Today(clock);
        return TypedResults.Ok(docs.OrderBy(d => d.State.Name, StringComparer.Ordinal).Select(d => From(d.State, d.Version, today)).ToList());
    }

    /// <summary><c>GET /api/profiles/communities/{id}</c>, with its version as the ETag for the next change.</summary>
    public static async Task<IResult> Get(Guid id, HttpContext http, ClaimsPrincipal user, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var doc = await session.LoadAsync<CommunityDocument>(Community.StreamId(id), ct) is { State.Exists: true } d ? d : throw new NotFoundException("Community", id.ToString());
        user.RequireArea(doc.State.AreaCode);
        http.Response.Headers.ETag = Requests.ETag(doc.Version);
        return TypedResults.Ok(From(doc.State, doc.Version, Today(clock)));
    }
}
