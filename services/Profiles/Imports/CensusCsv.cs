using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Engagement.Profiles.Imports;

/// <summary>One geography's row of a census table: its values in the order of <see cref="CensusTable.Categories"/>.</summary>
public sealed record CensusRow(int Line, string Code, string Name, long[] Values);

/// <param name="Topic">The part of every category header before the first ": ", e.g. <c>Ethnic group</c>.</param>
/// <param name="Categories">Category labels without the topic, e.g. <c>White: Roma</c>; the first is the total.</param>
public sealed record CensusTable(string Layout, string Topic, string Date, IReadOnlyList<string> Categories, IReadOnlyList<CensusRow> Rows);

/// <summary>A file that is not a census table we can read. Line and column are 1-based, as an editor shows them.</summary>
public sealed class MalformedCensusFileException(int line, int column, string message) : Exception(message)
{
    public int Line { get; } = line;
    public int Column { get; } = column;
}

/// <summary>
/// Reads the two layouts Nomis publishes: the bulk layout (<c>date,geography,geography code,&lt;Topic&gt;: &lt;Category&gt;...</c>,
/// one row per geography, with or without <c>; measures: Value</c> after each category) and the API's long layout
/// (<c>GEOGRAPHY_CODE,GEOGRAPHY_NAME,&lt;dimension&gt;_NAME,OBS_VALUE</c>, one row per geography and category). A hand-written
/// RFC 4180 reader rather than a library, because every rejection must name the line and column it found.
/// </summary>
public static partial class CensusCsv
{
    public const string Bulk = "nomis-bulk";
    public const string ApiLong = "nomis-api-long";
    private const string MeasuresSuffix = "; measures: Value";

    // Geography codes are ONS GSS codes: a country letter and eight digits (E05012272).
    [GeneratedRegex("^[EWSNK][0-9]{8}$")]
    private static partial Regex GssCode();

    public static CensusTable Parse(ReadOnlySpan<byte> utf8)
    {
        var text = Encoding.UTF8.GetString(utf8.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8);
        using var records = Records(text).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new MalformedCensusFileException(1, 1, "The file is empty.");
        }

        var (headerLine, header) = records.Current;
        if (header.Count >= 4 && header[0] == "date" && header[1] == "geography" && header[2] == "geography code")
        {
            return ParseBulk(headerLine, header, records);
        }

        var code = header.IndexOf("GEOGRAPHY_CODE");
        var obs = header.IndexOf("OBS_VALUE");
        var dims = header.Select((h, i) => (h, i)).Where(x => x.h.EndsWith("_NAME", StringComparison.Ordinal) && !NotDimensions.Contains(x.h)).ToList();
        if (code >= 0 && obs >= 0 && dims.Count == 1)
        {
            return ParseLong(header, code, header.IndexOf("GEOGRAPHY_NAME"), dims[0].i, obs, header.IndexOf("DATE"), Measure(header), records);
        }

        throw new MalformedCensusFileException(headerLine, 1,
            "The header is not a census table: expected the Nomis bulk layout (date,geography,geography code,<Topic>: <Category>...) or the API layout (GEOGRAPHY_CODE,GEOGRAPHY_NAME,<dimension>_NAME,OBS_VALUE).");
    }

    private static CensusTable ParseBulk(int headerLine, List<string> header, IEnumerator<(int Line, List<string> Fields)> records)
    {
        var labels = header.Skip(3).Select(h => h.EndsWith(MeasuresSuffix, StringComparison.Ordinal) ? h[..^MeasuresSuffix.Length] : h).ToList();
        var topic = labels[0].Split(": ")[0];
        for (var i = 0; i < labels.Count; i++)
        {
            if (!labels[i].StartsWith(topic + ": ", StringComparison.Ordinal))
            {
                throw new MalformedCensusFileException(headerLine, i + 4, $"Column '{labels[i]}' is not a category of '{topic}': every category header must start with the same topic.");
            }
        }

        var categories = labels.Select(l => l[(topic.Length + 2)..]).ToList();
        RequireTotalFirst(categories, headerLine, 4);
        var rows = new List<CensusRow>();
        string? date = null;
        while (records.MoveNext())
        {
            var (line, f) = records.Current;
            if (f.Count != header.Count)
            {
                throw new MalformedCensusFileException(line, Math.Min(f.Count, header.Count) + 1, $"The row has {f.Count} fields; the header has {header.Count}.");
            }

            date ??= f[0];
            var values = new long[categories.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Count(f[i + 3], line, i + 4, header[i + 3]);
            }

            rows.Add(new CensusRow(line, Code(f[2], line, 3), f[1], values));
        }

        return Finish(Bulk, topic, date, categories, rows);
    }

    /// <summary>
    /// The <c>_NAME</c> columns of a full Nomis API download that are not the table's dimension: the geography, the date,
    /// the measure and the observation's status and confidentiality.
    /// </summary>
    private static readonly HashSet<string> NotDimensions = new(StringComparer.Ordinal)
    {
        "GEOGRAPHY_NAME", "DATE_NAME", "MEASURES_NAME", "OBS_STATUS_NAME", "OBS_CONF_NAME",
    };

    /// <summary>
    /// Nomis gives each figure once per measure asked for: the count (<c>Value</c>, code 20100) and, unless the query
    /// left it out, the percentage (<c>Percent</c>, 20301). Only counts are census figures here; the column that says
    /// which measure a row is, and the value a count has in it.
    /// </summary>
    private static (int At, string Count) Measure(List<string> header) =>
        header.IndexOf("MEASURES_NAME") is >= 0 and var name ? (name, "Value") : header.IndexOf("MEASURES") is >= 0 and var code ? (code, "20100") : (-1, "");

    private static CensusTable ParseLong(List<string> header, int codeAt, int nameAt, int dimAt, int obsAt, int dateAt, (int At, string Count) measure,
        IEnumerator<(int Line, List<string> Fields)> records)
    {
        var categories = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var byCode = new Dictionary<string, (int Line, string Name, Dictionary<int, long> Values)>(StringComparer.Ordinal);
        var order = new List<string>();
        string? date = null;
        var headerLine = 1;
        while (records.MoveNext())
        {
            var (line, f) = records.Current;
            if (f.Count != header.Count)
            {
                throw new MalformedCensusFileException(line, Math.Min(f.Count, header.Count) + 1, $"The row has {f.Count} fields; the header has {header.Count}.");
            }

            if (measure.At >= 0 && f[measure.At] != measure.Count)
            {
                continue;
            }

            var code = Code(f[codeAt], line, codeAt + 1);
            var label = f[dimAt];
            if (!index.TryGetValue(label, out var c))
            {
                index[label] = c = categories.Count;
                categories.Add(label);
            }

            if (!byCode.TryGetValue(code, out var geo))
            {
                byCode[code] = geo = (line, nameAt >= 0 ? f[nameAt] : code, []);
                order.Add(code);
            }

            if (!geo.Values.TryAdd(c, Count(f[obsAt], line, obsAt + 1, "OBS_VALUE")))
            {
                throw new MalformedCensusFileException(line, dimAt + 1, $"{code} has '{label}' twice.");
            }

            date ??= dateAt >= 0 ? f[dateAt] : null;
        }

        RequireTotalFirst(categories, headerLine + 1, dimAt + 1);
        var rows = new List<CensusRow>(order.Count);
        foreach (var code in order)
        {
            var geo = byCode[code];
            var values = new long[categories.Count];
            for (var i = 0; i < values.Length; i++)
            {
                if (!geo.Values.TryGetValue(i, out values[i]))
                {
                    throw new MalformedCensusFileException(geo.Line, dimAt + 1, $"{code} has no row for '{categories[i]}'; every geography needs every category.");
                }
            }

            rows.Add(new CensusRow(geo.Line, code, geo.Name, values));
        }

        // The long layout never names its topic; its dimension column (C2021_ETH_20_NAME) stands in for it.
        return Finish(ApiLong, header[dimAt], date, categories, rows);
    }

    private static void RequireTotalFirst(List<string> categories, int line, int column)
    {
        if (categories.Count == 0 || !categories[0].StartsWith("Total", StringComparison.Ordinal))
        {
            throw new MalformedCensusFileException(line, column, "The first category must be the table's total (\"Total: ...\"), as in every census topic summary.");
        }
    }

    private static CensusTable Finish(string layout, string topic, string? date, List<string> categories, List<CensusRow> rows)
    {
        if (rows.Count == 0)
        {
            throw new MalformedCensusFileException(2, 1, "The file has a header but no rows.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => !seen.Add(r.Code)))
        {
            throw new MalformedCensusFileException(row.Line, 1, $"{row.Code} appears twice.");
        }

        return new CensusTable(layout, topic, string.IsNullOrWhiteSpace(date) ? "2021" : date.Trim(), categories, rows);
    }

    private static string Code(string value, int line, int column) =>
        GssCode().IsMatch(value) ? value : throw new MalformedCensusFileException(line, column, $"'{value}' is not a geography code (a GSS code such as E05012272).");

    private static long Count(string value, int line, int column, string header) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new MalformedCensusFileException(line, column, $"'{value}' in column '{header}' is not a count (a whole number, 0 or more).");

    /// <summary>RFC 4180 records with the line each starts on; a quoted field may hold commas, quotes and line breaks.</summary>
    internal static IEnumerable<(int Line, List<string> Fields)> Records(string text)
    {
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var column = 1;
            while (true)
            {
                if (i < text.Length && text[i] == '"' && field.Length == 0)
                {
                    i++;
                    while (true)
                    {
                        if (i >= text.Length)
                        {
                            throw new MalformedCensusFileException(start, column, "A quoted field is not closed.");
                        }

                        if (text[i] == '"')
                        {
                            if (i + 1 < text.Length && text[i + 1] == '"')
                            {
                                field.Append('"');
                                i += 2;
                                continue;
                            }

                            i++;
                            break;
                        }

                        if (text[i] == '\n')
                        {
                            line++;
                        }

                        field.Append(text[i++]);
                    }

                    if (i < text.Length && text[i] is not ',' and not '\n' and not '\r')
                    {
                        throw new MalformedCensusFileException(line, column, "Text follows a closing quote.");
                    }
                }
                else
                {
                    while (i < text.Length && text[i] is not ',' and not '\n' and not '\r')
                    {
                        field.Append(text[i++]);
                    }
                }

                fields.Add(field.ToString());
                field.Clear();
                if (i < text.Length && text[i] == ',')
                {
                    i++;
                    column++;
                    continue;
                }

                if (i < text.Length && text[i] == '\r')
                {
                    i++;
                }

                if (i < text.Length && text[i] == '\n')
                {
                    i++;
                }

                line++;
                break;
            }

            if (fields is not [""])
            {
                yield return (start, fields);
            }
        }
    }
}
