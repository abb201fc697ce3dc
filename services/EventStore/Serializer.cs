using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Engagement.EventStore;

/// <summary>JSON for events and documents, with personal fields encrypted under their subject's key.</summary>
public sealed class Serializer
{
    public JsonSerializerOptions Options { get; } = CreateOptions();

    public static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return o;
    }

    /// <summary>The subject whose key protects this value, or null when it holds no personal fields.</summary>
    public string? SubjectOf(object value) =>
        value is IHasPersonalData p && PersonalDataCipher.PersonalJsonNames(value.GetType(), Options).Length > 0
            ? p.DataSubjectId
            : null;

    public string Serialize(object value, byte[]? subjectKey)
    {
        var subject = SubjectOf(value);
        if (subject is null)
        {
            return JsonSerializer.Serialize(value, value.GetType(), Options);
        }

        if (subjectKey is null)
        {
            throw new InvalidOperationException($"No key was loaded for the subject of a {value.GetType().Name}.");
        }

        var obj = JsonSerializer.SerializeToNode(value, value.GetType(), Options)!.AsObject();
        PersonalDataCipher.Encrypt(obj, PersonalDataCipher.PersonalJsonNames(value.GetType(), Options), subjectKey, subject);
        return obj.ToJsonString(Options);
    }

    /// <summary>Deserialises, decrypting personal fields; a field whose key has been erased reads back as null.</summary>
    public object Deserialize(Type type, JsonObject obj, string? subject, byte[]? subjectKey)
    {
        if (subject is not null)
        {
            PersonalDataCipher.Decrypt(obj, PersonalDataCipher.PersonalJsonNames(type, Options), subjectKey, subject);
        }

        return obj.Deserialize(type, Options)!;
    }
}
