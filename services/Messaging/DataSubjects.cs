namespace Engagement.Messaging;

/// <summary>
/// The one place a data subject of this service is named. A subject's name picks the key its personal data is sealed
/// under, and erasure shreds by name, so a second spelling elsewhere seals a returning resident's new data under their
/// erased name (HTTP 410): that is how replies once broke for residents who came back.
/// </summary>
public static class DataSubjects
{
    /// <summary>
    /// A resident. The first generation is <c>subscriber:{sub}</c>; a resident who comes back after an erasure gets
    /// <c>subscriber:{sub}:{n}</c>: were the erased name given a new key, the old ciphertexts would meet a key they were
    /// not sealed with and fail to decrypt (an exception, not a null) wherever the whole log is read, such as the relay.
    /// </summary>
    public static string Subscriber(string subscriberId, int generation) =>
        generation <= 1 ? $"subscriber:{subscriberId}" : $"subscriber:{subscriberId}:{generation}";

    /// <summary>Every subject a resident has had, up to and including <paramref name="generation"/>: what an erasure shreds.</summary>
    public static IEnumerable<string> SubscriberUpTo(string subscriberId, int generation) =>
        Enumerable.Range(1, Math.Max(1, generation)).Select(g => Subscriber(subscriberId, g));

    /// <summary>A member of the Key Individual Network.</summary>
    public static string KeyIndividual(Guid memberId) => $"kin:{memberId}";
}
