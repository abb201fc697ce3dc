namespace Engagement.ServiceDefaults;

/// <summary>
/// Collects every broken rule of a request, each against its field, so the caller hears about all of them in one
/// 400 rather than one at a time.
/// </summary>
public class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ValidationFailedException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }
    }

    /// <summary>Trimmed text, required unless said otherwise, at most <paramref name="max"/> characters.</summary>
    public string Text(string field, string? value, int max, bool required = true)
    {
        var v = value?.Trim() ?? "";
        if (required && v.Length == 0)
        {
            Add(field, "Required.");
        }
        else if (v.Length > max)
        {
            Add(field, $"At most {max} characters.");
        }

        return v;
    }
}
