using System.Security.Claims;
using System.Security.Cryptography;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;

namespace Engagement.Profiles.Imports;

/// <summary>What an analyst learns about an accepted file; warnings never stop an import.</summary>
/// <param name="CoversEveryArea">Whether the file has every ward (or district) the areas use; only such a file replaces the table profiles read.</param>
public sealed record ImportReport(
    string Table, string Title, string Release, string GeographyLevel, string Layout, string Universe, int Rows, int Categories, int Figures,
    int HierarchyChecks, UnknownCodes UnknownCodes, bool CoversEveryArea, IReadOnlyList<TotalsWarning> Warnings);

/// <param name="Codes">The first 50; codes well formed but in none of the areas' wards or districts. Their rows are stored but no profile uses them.</param>
public sealed record UnknownCodes(int Count, IReadOnlyList<string> Codes);

/// <summary>This table's total differs from another table's with the same universe (cell-key noise, usually a few people).</summary>
public sealed record TotalsWarning(string OtherTable, int Geographies, long LargestDifference, IReadOnlyList<TotalsDifference> Largest);

public sealed record TotalsDifference(string Code, long ThisTable, long OtherTable);

/// <summary>
/// <c>POST /api/profiles/imports</c>: the file is read and checked whole before anything is stored (a malformed file
/// is a 400 naming its line and column), then accepted with 202 and written in the background, where its progress
/// and then its report show at <c>GET /api/profiles/imports/{id}</c>. The same file again (same SHA-256) changes nothing.
/// </summary>
public static class ImportCensus
{
    /// <summary>Census bulk files for every ward in England and Wales run to tens of megabytes.</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    public static async Task<IResult> Handle(HttpRequest request, string? table, string? reason, ClaimsPrincipal user, EventStoreSettings settings, AreaDirectory areas,
        ImportSignal signal, TimeProvider clock, CancellationToken ct)
    {
        // Who, when and why: the reason is checked before the body is read, so a missing one costs no upload.
        var errors = new FieldErrors();
        var why = errors.Text("reason", reason, 1000);
        errors.ThrowIfAny();

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        if (await CensusStore.FindAsync(settings, null, checksum, ct) is { Status: not "failed" } existing)
        {
            return TypedResults.Ok(ImportStatus.From(existing, alreadyImported: true));
        }

        var (parsed, known, tree) = Validate(bytes.Span, table);
        var id = Guid.CreateVersion7();
        var report = Report(parsed, known, tree, areas);
        var dataset = new CensusStore.Dataset(id, checksum, known.Code, known.Title, parsed.Date, report.GeographyLevel, CensusStore.Licence, parsed.Layout,
            known.Universe, tree, parsed.Rows.Count, report.Figures, 0, "importing", null, null, user.FindFirstValue("sub") ?? "unknown", clock.GetUtcNow(), null, why);
        if (!await CensusStore.AcceptAsync(settings, dataset, bytes, table, ct))
        {
            // Another request accepted the same file a moment ago.
            var winner = await CensusStore.FindAsync(settings, null, checksum, ct);
            return TypedResults.Ok(ImportStatus.From(winner!, alreadyImported: true));
        }

        signal.Wake();
        return TypedResults.Accepted($"/api/profiles/imports/{id}", ImportStatus.From(dataset, alreadyImported: false));
    }

    public static async Task<IResult> Get(Guid id, EventStoreSettings settings, CancellationToken ct) =>
        await CensusStore.FindAsync(settings, id, null, ct) is { } d
            ? TypedResults.Ok(ImportStatus.From(d, alreadyImported: false))
            : throw new NotFoundException("Import", id.ToString());

    /// <summary>Parses the file and checks every row's sums; the first problem found is the answer, with its line and column.</summary>
    public static (CensusTable Parsed, KnownTable Table, IReadOnlyList<Category> Tree) Validate(ReadOnlySpan<byte> bytes, string? tableCode)
    {
        try
        {
            var parsed = CensusCsv.Parse(bytes);
            var known = (tableCode is { Length: > 0 } ? CensusTables.ByCode(tableCode) : null)
                        ?? CensusTables.ByTopic(parsed.Topic) ?? CensusTables.ByDimension(parsed.Topic)
                        ?? throw new MalformedCensusFileException(1, 4,
                            $"'{parsed.Topic}' is not a census table this service knows ({string.Join(", ", CensusTables.All.Select(t => $"{t.Code} {t.Title}"))}).");
            if (parsed.Layout == CensusCsv.Bulk && parsed.Topic != known.Topic)
            {
                throw new MalformedCensusFileException(1, 4, $"The file's topic is '{parsed.Topic}', but {known.Code} is '{known.Topic}'.");
            }

            var tree = CategoryTree.Build(parsed.Categories, known);
            var headerColumns = parsed.Layout == CensusCsv.Bulk ? 3 : 0;
            foreach (var row in parsed.Rows)
            {
                foreach (var (column, message) in CategoryTree.Check(tree, known, row.Values))
                {
                    throw new MalformedCensusFileException(row.Line, parsed.Layout == CensusCsv.Bulk ? column + headerColumns + 1 : 1, $"{row.Code}: {message}");
                }
            }

            return (parsed, known, tree);
        }
        catch (MalformedCensusFileException e)
        {
            throw new DomainException(StatusCodes.Status400BadRequest, "malformed-census-file", "The file is not a census table that can be imported.",
                $"Line {e.Line}, column {e.Column}: {e.Message} Nothing of the file was stored.")
            {
                Extensions = { ["line"] = e.Line, ["column"] = e.Column },
            };
        }
    }

    public static ImportReport Report(CensusTable parsed, KnownTable known, IReadOnlyList<Category> tree, AreaDirectory areas)
    {
        var wards = areas.All.SelectMany(a => a.Wards.Select(w => w.Code)).ToHashSet(StringComparer.Ordinal);
        var districts = areas.All.Select(a => a.DistrictCode).ToHashSet(StringComparer.Ordinal);
        var codes = parsed.Rows.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        var unknown = parsed.Rows.Select(r => r.Code).Where(c => !wards.Contains(c) && !districts.Contains(c)).ToList();
        var covers = wards.IsSubsetOf(codes) || districts.IsSubsetOf(codes);
        var levels = parsed.Rows.Select(r => GeographyLevel(r.Code)).Distinct().Order(StringComparer.Ordinal).ToList();
        return new ImportReport(known.Code, known.Title, parsed.Date, string.Join("+", levels), parsed.Layout, known.Universe, parsed.Rows.Count,
            parsed.Categories.Count, parsed.Rows.Count * parsed.Categories.Count, parsed.Rows.Count * tree.Count(p => p.Index == 0 || tree.Any(c => c.Parent == p.Index) || p.Derived),
            new UnknownCodes(unknown.Count, unknown.Take(50).ToList()), covers, []);
    }

    /// <summary>The GSS entity code (its first three characters) says what kind of geography a code is.</summary>
    public static string GeographyLevel(string code) => code[..3] switch
    {
        "E05" or "W05" or "S13" or "N08" => "ward",
        "E06" or "E07" or "E08" or "E09" or "W06" or "S12" or "N09" => "local-authority",
        "E10" => "county",
        "E12" => "region",
        "E92" or "W92" or "K04" => "country",
        _ => "other",
    };
}
