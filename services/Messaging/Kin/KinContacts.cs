using Marten;

namespace Engagement.Messaging.Kin;

/// <summary>How to reach one key individual; null fields are contact details the member has not given.</summary>
public sealed record KinContact(string MemberId, string? Name, string? Email, string? Phone, string PreferredChannel, string Language);

/// <summary>
/// Contact details for sending (alerts): decrypted from the members' snapshots in one query. An erased member has no
/// document and so no entry. Callers audit their own disclosure (an alert's send).
/// </summary>
public static class KinContacts
{
    public static async Task<IReadOnlyDictionary<string, KinContact>> LoadAsync(IDocumentStore store, IReadOnlyCollection<string> memberIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(memberIds);
        var ids = memberIds.Select(m => Guid.TryParse(m, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).Distinct().ToList();
        await using var session = store.QuerySession();
        var docs = await KinStore.LoadManyAsync(session, ids, ct);
        return docs.ToDictionary(
            d => d.MemberId.ToString(),
            d => new KinContact(d.MemberId.ToString(), d.Person!.Name, d.Person.Email, d.Person.Phone, d.Profile.PreferredChannel, d.Profile.Language),
            StringComparer.Ordinal);
    }
}
