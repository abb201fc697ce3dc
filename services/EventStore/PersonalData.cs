using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engagement.EventStore;

/// <summary>
/// Marks a property of an event or document as personal data. It is stored encrypted with the key of the data subject
/// named by <see cref="IHasPersonalData.DataSubjectId"/>; erasing the subject deletes the key, and from then on the
/// property reads back as null while the rest of the history stays intact (crypto-shredding).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PersonalDataAttribute : Attribute;

/// <summary>An event or document that holds personal data of one subject (a resident, a key individual, a booker).</summary>
public interface IHasPersonalData
{
    string DataSubjectId { get; }
}

/// <summary>Encrypts and decrypts personal fields with AES-GCM under per-subject keys.</summary>
internal static class PersonalDataCipher
{
    // A prefix marks ciphertext so that a field written before it was marked personal still reads back.
    private const string Prefix = "pd1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private static readonly ConcurrentDictionary<Type, string[]> PersonalProperties = new();

    public static string[] PersonalJsonNames(Type type, JsonSerializerOptions options) =>
        PersonalProperties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<PersonalDataAttribute>() is not null)
            .Select(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name
                         ?? options.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name)
            .ToArray());

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    public static void Encrypt(JsonObject obj, string[] names, byte[] key, string subjectId)
    {
        foreach (var name in names)
        {
            if (obj[name] is not { } node)
            {
                continue;
            }

            var plain = Encoding.UTF8.GetBytes(node.ToJsonString());
            var nonce = RandomNumberGenerator.GetBytes(NonceSize);
            var output = new byte[NonceSize + plain.Length + TagSize];
            using var aes = new AesGcm(key, TagSize);
            // The subject id is bound as associated data so a ciphertext cannot be moved to another subject's record.
            aes.Encrypt(nonce, plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(subjectId));
            nonce.CopyTo(output, 0);
            obj[name] = Prefix + Convert.ToBase64String(output);
        }
    }

    /// <returns>true when some field could not be decrypted because the subject's key is gone.</returns>
    public static bool Decrypt(JsonObject obj, string[] names, byte[]? key, string subjectId)
    {
        var redacted = false;
        foreach (var name in names)
        {
            if (obj[name] is not JsonValue value || !value.TryGetValue<string>(out var text) || !text.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (key is null)
            {
                obj[name] = null;
                redacted = true;
                continue;
            }

            var data = Convert.FromBase64String(text[Prefix.Length..]);
            var plain = new byte[data.Length - NonceSize - TagSize];
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize, plain.Length), data.AsSpan(NonceSize + plain.Length), plain, Encoding.UTF8.GetBytes(subjectId));
            obj[name] = JsonNode.Parse(plain);
        }

        return redacted;
    }
}
