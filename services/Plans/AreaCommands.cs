using System.Security.Claims;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;

namespace Engagement.Plans;

/// <summary>
/// The command path for a change to something that already exists in one area (a plan, a priority): 404 when it never
/// did (also when If-Match names one of its versions: missing, not stale), 403 outside the caller's areas, then the decision.
/// </summary>
public static class AreaCommands
{
    /// <param name="areaOf">The area of the loaded document, or null when the stream was never started.</param>
    public static async Task<CommandResult<TDoc>> HandleAsync<TDoc>(
        IDocumentStore store, string what, Guid id, string streamId, long? ifMatch, ClaimsPrincipal user, Func<TDoc, string?> areaOf,
        Func<TDoc, IReadOnlyList<object>> decide, CancellationToken ct) where TDoc : class, IAggregate<TDoc>
    {
        ArgumentNullException.ThrowIfNull(areaOf);
        ArgumentNullException.ThrowIfNull(decide);
        try
        {
            return await CommandPath.HandleAsync<TDoc>(store, streamId, ifMatch, (doc, _) =>
            {
                user.RequireArea(areaOf(doc) ?? throw new NotFoundException(what, id.ToString()));
                return decide(doc);
            }, user: user.SubjectId(), ct: ct);
        }
        catch (StaleVersionException e) when (e.Actual == 0)
        {
            throw new NotFoundException(what, id.ToString());
        }
    }
}
