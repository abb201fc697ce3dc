using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engagement.Plans.Priorities;

/// <param name="Reference">The record's own reference at its source (an extract's fifth column); null for a survey.</param>
public sealed record SurveyRow(int Line, string Area, string Category, string FreeText, DateOnly Date, string? Reference = null);

public sealed record SurveyImported(int Rows, int Raised, int Mentioned, int AlreadyCounted);

/// <summary>
/// <c>POST /api/plans/priorities/imports/survey</c>: a survey export as CSV (<c>respondent_area,issue_category,free_text,date</c>),
/// each row a candidate issue of its area. The whole file is checked first and then kept in one transaction, so a file
/// with one bad row keeps nothing; the same file again counts nothing twice (each row's reference is the file's checksum
/// and its line). Surveys are small (the request limit is 1 MiB), so this answers at once rather than with 202.
/// </summary>
public static class ImportSurvey
{
    public const string Header = "respondent_area,issue_category,free_text,date";

    /// <summary>
    /// Partner referrals and crime and ASB extracts: one issue per record, with the record's reference at its source, so an
    /// extract that overlaps the last one counts each record once.
    /// </summary>
    public const string ExtractHeader = "area,issue_category,summary,date,reference";

    public static readonly string[] ExtractSources = ["partner", "crime", "asb"];

    /// <summary>Every row, or every problem with the file at once, each as "line N, column C".</summary>
    public static IReadOnlyList<SurveyRow> Parse(string text, AreaDirectory areas, string header = Header)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(areas);
        ArgumentNullException.ThrowIfNull(header);
        var errors = new FieldErrors();
        var columns = header.Split(',').Length;
        var records = Records(text.TrimStart('\uFEFF')).ToList();
        if (records.Count == 0 || !string.Equals(string.Join(',', records[0].Fields.Select(f => f.Trim())), header, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("line 1", $"The first line must be the header {header}.");
            errors.ThrowIfAny();
        }

        var rows = new List<SurveyRow>();
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Trim().Length == 0)
            {
                continue;
            }

            if (fields.Count != columns)
            {
                errors.Add($"line {line}", $"Expected {columns} columns, found {fields.Count}.");
                continue;
            }

            var area = fields[0].Trim();
            if (!areas.Exists(area))
            {
                errors.Add($"line {line}, column 1", $"'{area}' is not a Neighbourhood Policing Area code.");
            }

            var category = RaisePriority.Category(fields[1]);
            if (category.Length is 0 or > 50)
            {
                errors.Add($"line {line}, column 2", "An issue category of 1 to 50 letters or digits.");
            }

            var freeText = FreeTextScrubber.Scrub(fields[2].Trim());
            if (freeText.Length is 0 or > 2000)
            {
                errors.Add($"line {line}, column 3", "The respondent's words, 1 to 2000 characters.");
            }

            if (!DateOnly.TryParseExact(fields[3].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                errors.Add($"line {line}, column 4", "A date as YYYY-MM-DD.");
            }

            string? reference = null;
            if (columns == 5)
            {
                reference = fields[4].Trim();
                if (reference.Length is 0 or > 100)
                {
                    errors.Add($"line {line}, column 5", "The record's reference at its source, 1 to 100 characters.");
                }
            }

            rows.Add(new SurveyRow(line, area, category, freeText, date, reference));
        }

        errors.ThrowIfAny();
        return rows;
    }

    /// <summary>RFC 4180 records with the line each starts on; a quoted field may hold commas, quotes ("") and line breaks.</summary>
    private static IEnumerable<(int Line, List<string> Fields)> Records(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var (line, start, quoted, i) = (1, 1, false, 0);
        while (i < text.Length)
        {
            var c = text[i++];
            if (quoted)
            {
                if (c == '"' && i < text.Length && text[i] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i < text.Length && text[i] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                yield return (start, fields);
                (fields, start) = (new List<string>(), ++line);
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }

    public static Task<Ok<SurveyImported>> Handle(HttpRequest request, ClaimsPrincipal user, IDocumentStore store, AreaDirectory areas, CancellationToken ct) =>
        ImportAsync("survey", request, user, store, areas, ct);

    /// <summary><c>POST /api/plans/priorities/imports/{partner|crime|asb}</c>: an extract in <see cref="ExtractHeader"/>'s layout.</summary>
    public static Task<Ok<SurveyImported>> HandleExtract(string source, HttpRequest request, ClaimsPrincipal user, IDocumentStore store, AreaDirectory areas,
        CancellationToken ct) =>
        ExtractSources.Contains(source, StringComparer.Ordinal)
            ? ImportAsync(source, request, user, store, areas, ct)
            : throw new NotFoundException("Import source", source);

    private static async Task<Ok<SurveyImported>> ImportAsync(string source, HttpRequest request, ClaimsPrincipal user, IDocumentStore store, AreaDirectory areas,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["body"] = ["The file must be UTF-8 text."] });
        }

        var rows = Parse(text, areas, source == "survey" ? Header : ExtractHeader);
        foreach (var area in rows.Select(r => r.Area).Distinct())
        {
            user.RequireArea(area);
        }

        var file = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        var candidates = rows.Select(r => new Candidate(r.Area, r.Category,
            new Mention(source, r.Reference is { } reference ? $"{source}:{reference}" : $"{source}:{file}:{r.Line}", r.FreeText,
                London.At(r.Date, TimeOnly.MinValue), []))).ToList();
        var (raised, mentioned) = await CommandPath.RunAsync(store, (session, t) => RaisePriority.AppendAsync(session, candidates, t), user.SubjectId(), ct);
        return TypedResults.Ok(new SurveyImported(rows.Count, raised, mentioned, rows.Count - raised - mentioned));
    }
}
