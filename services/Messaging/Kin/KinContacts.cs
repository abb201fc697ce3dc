namespace Engagement.Messaging.Kin;

/// <summary>How to reach one key individual; null fields are contact details the member has not given.</summary>
public sealed record KinContact(string MemberId, string? Name, string? Email, string? Phone, string PreferredChannel, string Language);

/// <summary>
/// Contact details for sending (alerts): decrypted from the members' documents in one query. An erased member has no
/// document and so no entry. Callers audit their own disclosure (an alert's send).
/// </summary>
public static class KinContacts
{
    public static async Task<IReadOnlyDictionary<string, KinContact>> LoadAsync(EventStore.EventStore store, IReadOnlyCollection<string> memberIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(memberIds);
        var ids = memberIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return new Dictionary<string, KinContact>(StringComparer.Ordinal);
        }

        var docs = await KinStore.QueryAsync(store, "id = any(@ids)", new Dictionary<string, object?> { ["ids"] = ids }, ids.Length, ct);
        return docs.ToDictionary(
            d => d.Id.ToString(),
            d => new KinContact(d.Id.ToString(), d.Person!.Name, d.Person.Email, d.Person.Phone, d.Profile.PreferredChannel, d.Profile.Language),
            StringComparer.Ordinal);
    }
}
