using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Engagement.EventStore;

/// <summary>
/// The explicit registry of event aliases. The store keeps a stable snake_case alias per type, never an
/// assembly-qualified name, so types can be renamed and moved without rewriting history.
/// </summary>
public sealed partial class EventTypes
{
    private readonly ConcurrentDictionary<string, Type> _byAlias = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _byType = new();
    private readonly ConcurrentDictionary<string, Func<JsonObject, (string Alias, JsonObject Data)>> _upcasters = new(StringComparer.Ordinal);

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex AliasShape();

    public EventTypes Register<T>(string alias) => Register(typeof(T), alias);

    public EventTypes Register(Type type, string alias)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!AliasShape().IsMatch(alias))
        {
            throw new ArgumentException($"Event alias '{alias}' must be snake_case.", nameof(alias));
        }

        if (_byAlias.TryGetValue(alias, out var existing) && existing != type)
        {
            throw new ArgumentException($"Alias '{alias}' is already registered for {existing.Name}.", nameof(alias));
        }

        _byAlias[alias] = type;
        _byType[type] = alias;
        return this;
    }

    /// <summary>
    /// Upcasting hook: events stored under <paramref name="oldAlias"/> are rewritten on read into a current alias and
    /// shape. The stored row is never changed.
    /// </summary>
    public EventTypes Upcast(string oldAlias, Func<JsonObject, (string Alias, JsonObject Data)> upcast)
    {
        _upcasters[oldAlias] = upcast;
        return this;
    }

    public string AliasFor(Type type) =>
        _byType.TryGetValue(type, out var alias)
            ? alias
            : throw new InvalidOperationException($"Event type {type.Name} has no registered alias. Register it with EventTypes.Register<{type.Name}>(\"...\").");

    internal (Type Type, JsonObject Data) Resolve(string alias, JsonObject data)
    {
        // Upcasters may chain (v1 -> v2 -> v3); a cap stops a cycle from hanging a reader.
        for (var hops = 0; hops < 16 && !_byAlias.ContainsKey(alias) && _upcasters.TryGetValue(alias, out var upcast); hops++)
        {
            (alias, data) = upcast(data);
        }

        return _byAlias.TryGetValue(alias, out var type) ? (type, data) : throw new UnknownEventTypeException(alias);
    }
}
