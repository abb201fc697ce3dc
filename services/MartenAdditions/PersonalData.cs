using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Marten;
using Marten.Services;
using Npgsql;

namespace Engagement.MartenAdditions;

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

/// <summary>
/// One AES-256 key per data subject, a Marten document written in the same session as the first personal data that
/// needs it. Erasure keeps the row as a tombstone with no key, so an erased subject can never be given a fresh key
/// under the same id (new personal data under it is refused instead of silently sealed again).
/// </summary>
public sealed class SubjectKey
{
    public string Id { get; set; } = "";
    public byte[]? Key { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset? Erased { get; set; }
}

/// <summary>
/// The keys one unit of work has seen: an HTTP request, a consumed message, a command attempt, a relay page. Keys are
/// never cached beyond it, so an erasure takes effect at once for every later unit of work in every process.
/// </summary>
public sealed class PersonalDataScope : IDisposable
{
    private static readonly AsyncLocal<PersonalDataScope?> CurrentScope = new();
    private readonly PersonalDataScope? _outer;
    private readonly ConcurrentDictionary<string, byte[]?> _keys = new(StringComparer.Ordinal);

    private PersonalDataScope(PersonalDataScope? outer)
    {
        _outer = outer;
        CurrentScope.Value = this;
    }

    public static PersonalDataScope? Current => CurrentScope.Value;

    /// <summary>Opens a scope for the current async flow; dispose it when the unit of work ends.</summary>
    public static PersonalDataScope Begin() => new(CurrentScope.Value);

    internal bool TryGet(string subject, out byte[]? key) => _keys.TryGetValue(subject, out key);

    internal void Remember(string subject, byte[]? key) => _keys[subject] = key;

    internal void Forget(string subject) => _keys.TryRemove(subject, out _);

    public void Dispose() => CurrentScope.Value = _outer;
}

/// <summary>
/// Encrypts and decrypts <see cref="PersonalDataAttribute"/> fields inside Marten's own serializer, so events, inline
/// snapshots, documents, async projections and the relay all see plaintext while every table, the WAL and backups hold
/// only ciphertext. Each personal object is written with its subject id beside the sealed fields, so it can be opened
/// without knowing which stream or document it came from.
/// </summary>
public sealed class PersonalDataConverterFactory(SubjectKeyReader keys) : JsonConverterFactory
{
    internal const string SubjectProperty = "personalDataSubject";
    private readonly Type? _exclude;
    private readonly ConcurrentDictionary<Type, JsonConverter> _converters = new();

    private PersonalDataConverterFactory(SubjectKeyReader keys, Type exclude) : this(keys) => _exclude = exclude;

    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert != _exclude && typeof(IHasPersonalData).IsAssignableFrom(typeToConvert) && !typeToConvert.IsInterface && !typeToConvert.IsAbstract;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        _converters.GetOrAdd(typeToConvert, t =>
        {
            // The inner options are the outer ones without this type's converter, so the object itself serializes as
            // usual while personal objects nested inside it still go through their own converters.
            var inner = new JsonSerializerOptions(options);
            var index = inner.Converters.IndexOf(this);
            inner.Converters[index] = new PersonalDataConverterFactory(keys, t);
            return (JsonConverter)Activator.CreateInstance(typeof(PersonalObjectConverter<>).MakeGenericType(t), keys, inner)!;
        });

    private sealed class PersonalObjectConverter<T>(SubjectKeyReader keys, JsonSerializerOptions inner) : JsonConverter<T>
        where T : IHasPersonalData
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (JsonNode.Parse(ref reader) is not JsonObject obj)
            {
                return default;
            }

            if (obj[SubjectProperty]?.GetValue<string>() is { } subject)
            {
                obj.Remove(SubjectProperty);
                var names = PersonalDataCipher.PersonalJsonNames(typeof(T), inner);
                if (PersonalDataCipher.IsSealed(obj, names))
                {
                    PersonalDataCipher.Decrypt(obj, names, keys.Find(subject), subject);
                }
            }

            return obj.Deserialize<T>(inner);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            var obj = (JsonObject)JsonSerializer.SerializeToNode(value, inner)!;
            var names = PersonalDataCipher.PersonalJsonNames(typeof(T), inner);
            if (names.Any(n => obj[n] is not null))
            {
                var subject = value.DataSubjectId;
                var key = keys.Find(subject) ?? throw new InvalidOperationException(
                    $"No key for data subject '{subject}' in this unit of work. Personal data is saved through a Marten session inside a PersonalDataScope.");
                PersonalDataCipher.Encrypt(obj, names, key, subject);
                obj[SubjectProperty] = subject;
            }

            obj.WriteTo(writer, inner);
        }
    }
}

/// <summary>Finds a subject's key: first in the current unit of work's scope, then in the database.</summary>
public sealed class SubjectKeyReader
{
    private NpgsqlDataSource? _dataSource;
    private string _table = "";

    internal void Bind(NpgsqlDataSource dataSource, string schema)
    {
        _dataSource = dataSource;
        _table = $"{schema}.mt_doc_subject_key";
    }

    public byte[]? Find(string subject)
    {
        var scope = PersonalDataScope.Current;
        if (scope is not null && scope.TryGet(subject, out var known))
        {
            return known;
        }

        // Synchronous on purpose: it runs inside System.Text.Json, which has no async converters. It is one indexed
        // read per subject per unit of work.
        var source = _dataSource ?? throw new InvalidOperationException("The subject key reader is not bound to a database yet.");
        using var conn = source.OpenConnection();
        using var cmd = new NpgsqlCommand($"select data->>'key' from {_table} where id = @subject", conn);
        cmd.Parameters.AddWithValue("subject", subject);
        var key = cmd.ExecuteScalar() is string base64 ? Convert.FromBase64String(base64) : null;
        scope?.Remember(subject, key);
        return key;
    }
}

/// <summary>
/// Before a session saves, makes sure every data subject it writes personal data for has a key: an existing one, or a
/// new one inserted in the same transaction. Two sessions creating the same subject's key race on the document's
/// primary key, and the loser fails as a whole (the command path retries it against the winner's key).
/// </summary>
public sealed class PersonalDataListener : DocumentSessionListenerBase
{
    public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(session);
        var pending = session.PendingChanges;
        var subjects = pending.Streams().SelectMany(s => s.Events).Select(e => e.Data)
            .Concat(pending.Inserts()).Concat(pending.Updates())
            .OfType<IHasPersonalData>()
            .Where(PersonalDataCipher.HasPersonalValues)
            .Select(p => p.DataSubjectId)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (subjects.Count == 0)
        {
            return;
        }

        var scope = PersonalDataScope.Current ?? throw new InvalidOperationException(
            "Personal data is being saved outside a PersonalDataScope; open one for the unit of work.");
        var missing = subjects.Where(s => !scope.TryGet(s, out var k) || k is null).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var existing = (await session.LoadManyAsync<SubjectKey>(token, missing)).ToDictionary(k => k.Id, StringComparer.Ordinal);
        foreach (var subject in missing)
        {
            if (existing.TryGetValue(subject, out var found))
            {
                if (found.Key is null)
                {
                    throw new SubjectErasedException(subject);
                }

                scope.Remember(subject, found.Key);
                continue;
            }

            var key = new SubjectKey { Id = subject, Key = RandomNumberGenerator.GetBytes(32), Created = DateTimeOffset.UtcNow };
            session.Insert(key);
            scope.Remember(subject, key.Key);
        }
    }
}

public static class PersonalData
{
    /// <summary>
    /// Erases a data subject in the session's transaction: the key is replaced by a tombstone. Their events and documents
    /// still load, with personal fields null, and the rest of every stream's history stays intact.
    /// </summary>
    public static void EraseSubject(this IDocumentSession session, string subject)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Store(new SubjectKey { Id = subject, Key = null, Created = DateTimeOffset.UtcNow, Erased = DateTimeOffset.UtcNow });
        PersonalDataScope.Current?.Remember(subject, null);
    }

    /// <summary>Whether the subject has been erased (a tombstone without a key).</summary>
    public static async Task<bool> IsErasedAsync(this IQuerySession session, string subject, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await session.LoadAsync<SubjectKey>(subject, ct) is { Key: null };
    }
}

/// <summary>AES-GCM over personal fields, with the subject id bound in as associated data.</summary>
internal static class PersonalDataCipher
{
    // A prefix marks ciphertext so that a field written before it was marked personal still reads back.
    private const string Prefix = "pd1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();
    private static readonly ConcurrentDictionary<(Type, JsonNamingPolicy?), string[]> JsonNames = new();

    private static PropertyInfo[] PersonalProperties(Type type) =>
        Properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<PersonalDataAttribute>() is not null).ToArray());

    public static bool HasPersonalValues(IHasPersonalData value) =>
        PersonalProperties(value.GetType()).Any(p => p.GetValue(value) is not null);

    public static string[] PersonalJsonNames(Type type, JsonSerializerOptions options) =>
        JsonNames.GetOrAdd((type, options.PropertyNamingPolicy), key => PersonalProperties(key.Item1)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? key.Item2?.ConvertName(p.Name) ?? p.Name)
            .ToArray());

    public static bool IsSealed(JsonObject obj, string[] names) =>
        names.Any(n => obj[n] is JsonValue v && v.TryGetValue<string>(out var s) && s.StartsWith(Prefix, StringComparison.Ordinal));

    public static void Encrypt(JsonObject obj, string[] names, byte[] key, string subjectId)
    {
        using var aes = new AesGcm(key, TagSize);
        var aad = Encoding.UTF8.GetBytes(subjectId);
        foreach (var name in names)
        {
            if (obj[name] is not { } node)
            {
                continue;
            }

            var plain = Encoding.UTF8.GetBytes(node.ToJsonString());
            var output = new byte[NonceSize + plain.Length + TagSize];
            RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
            aes.Encrypt(output.AsSpan(0, NonceSize), plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length), aad);
            obj[name] = Prefix + Convert.ToBase64String(output);
        }
    }

    /// <summary>With no key (the subject was erased) every sealed field becomes null.</summary>
    public static void Decrypt(JsonObject obj, string[] names, byte[]? key, string subjectId)
    {
        using var aes = key is null ? null : new AesGcm(key, TagSize);
        var aad = Encoding.UTF8.GetBytes(subjectId);
        foreach (var name in names)
        {
            if (obj[name] is not JsonValue value || !value.TryGetValue<string>(out var text) || !text.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (aes is null)
            {
                obj[name] = null;
                continue;
            }

            var data = Convert.FromBase64String(text[Prefix.Length..]);
            var plain = new byte[data.Length - NonceSize - TagSize];
            aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize, plain.Length), data.AsSpan(NonceSize + plain.Length), plain, aad);
            obj[name] = JsonNode.Parse(plain);
        }
    }
}
