using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Engagement.MartenAdditions;
using Engagement.Profiles.Communities;
using Engagement.Profiles.Imports;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.Profiles.Emerging;

public sealed record FlowImportResult(Guid Id, bool AlreadyImported, int Rows, IReadOnlyList<string> Identified);

/// <summary>
/// An analyst imported flow data: who, why and what, once per file. Its rows are facts in <c>flow_observations</c>,
/// written in the same transaction; this event is also what makes the session commit them when the rule finds nothing.
/// </summary>
public sealed record FlowDataImported(Guid ImportId, string Checksum, int Rows, string ImportedBy, string Reason, IReadOnlyList<string> Identified);

/// <summary>
/// <c>POST /api/profiles/flows</c>: flow data as CSV (<c>period_start,period_end,area_code,area_type,dimension,value,count,source</c>),
/// such as National Insurance registrations by nationality (local authority) or interpreter requests (area). The rows
/// are facts, stored as they are; the rule then runs over every row held, and each new finding is a candidate.
/// </summary>
public static class ImportFlows
{
    public static readonly string[] Header = ["period_start", "period_end", "area_code", "area_type", "dimension", "value", "count", "source"];

    public static readonly string[] Migrations =
    [
        """
        create table {schema}.flow_imports (id uuid primary key, checksum text not null unique, rows int not null, imported_by text not null, imported_at timestamptz not null);
        create table {schema}.flow_observations (
            import_id uuid not null references {schema}.flow_imports (id),
            line int not null,
            period_start date not null,
            period_end date not null,
            area_code text not null,
            area_type text not null,
            dimension text not null,
            value text not null,
            count bigint not null,
            source text not null);
        """,
        // Why the analyst imported the file, beside who and when.
        "alter table {schema}.flow_imports add column reason text not null default '';",
    ];

    public sealed record Row(int Line, DateOnly PeriodStart, DateOnly PeriodEnd, string AreaCode, string AreaType, string Dimension, string Value, long Count, string Source);

    public static List<Row> Parse(string text, AreaDirectory areas)
    {
        ArgumentNullException.ThrowIfNull(areas);
        var rows = new List<Row>();
        try
        {
            using var records = CensusCsv.Records(text).GetEnumerator();
            if (!records.MoveNext() || !records.Current.Fields.SequenceEqual(Header))
            {
                throw new MalformedCensusFileException(1, 1, $"The header must be {string.Join(',', Header)}.");
            }

            while (records.MoveNext())
            {
                var (line, f) = records.Current;
                if (f.Count != Header.Length)
                {
                    throw new MalformedCensusFileException(line, Math.Min(f.Count, Header.Length) + 1, $"The row has {f.Count} fields; the header has {Header.Length}.");
                }

                var start = Date(f[0], line, 1);
                var end = Date(f[1], line, 2);
                if (end < start)
                {
                    throw new MalformedCensusFileException(line, 2, "The period ends before it starts.");
                }

                var known = f[3] switch
                {
                    "area" => areas.Exists(f[2]),
                    "local-authority" => areas.All.Any(a => a.DistrictCode == f[2]),
                    _ => throw new MalformedCensusFileException(line, 4, "area_type is 'area' (a policing area code) or 'local-authority' (a district GSS code)."),
                };
                if (!known)
                {
                    throw new MalformedCensusFileException(line, 3, $"'{f[2]}' is not a known {f[3]}.");
                }

                if (!long.TryParse(f[6], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    throw new MalformedCensusFileException(line, 7, $"'{f[6]}' is not a count (a whole number, 0 or more).");
                }

                for (var c = 4; c <= 7; c++)
                {
                    if (string.IsNullOrWhiteSpace(f[c]) || f[c].Length > 200)
                    {
                        throw new MalformedCensusFileException(line, c + 1, $"{Header[c]} is required (at most 200 characters).");
                    }
                }

                rows.Add(new Row(line, start, end, f[2], f[3], f[4].Trim(), f[5].Trim(), count, f[7].Trim()));
            }
        }
        catch (MalformedCensusFileException e)
        {
            throw new DomainException(StatusCodes.Status400BadRequest, "malformed-flow-file", "The file is not flow data that can be imported.",
                $"Line {e.Line}, column {e.Column}: {e.Message} Nothing of the file was stored.")
            {
                Extensions = { ["line"] = e.Line, ["column"] = e.Column },
            };
        }

        return rows;
    }

    private static DateOnly Date(string value, int line, int column) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new MalformedCensusFileException(line, column, $"'{value}' is not a date (yyyy-mm-dd).");

    public static async Task<IResult> Handle(HttpRequest request, string? reason, ClaimsPrincipal user, AreaDirectory areas, IDocumentStore store, EventStoreSettings settings,
        IOptions<EmergingThresholds> thresholds, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var why = errors.Text("reason", reason, 1000);
        errors.ThrowIfAny();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var rows = Parse(Encoding.UTF8.GetString(bytes), areas);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var id = Guid.CreateVersion7();
        var result = await CommandPath.RunAsync(store, async (session, t) =>
        {
            var conn = await session.ConnectionInTransactionAsync(t);
            await using (var claim = new NpgsqlCommand(
                $"insert into {settings.Schema}.flow_imports (id, checksum, rows, imported_by, imported_at, reason) values (@id, @checksum, @rows, @by, @at, @reason) on conflict (checksum) do nothing", conn))
            {
                claim.Parameters.AddWithValue("id", id);
                claim.Parameters.AddWithValue("checksum", checksum);
                claim.Parameters.AddWithValue("rows", rows.Count);
                claim.Parameters.AddWithValue("by", user.SubjectId());
                claim.Parameters.AddWithValue("at", clock.GetUtcNow());
                claim.Parameters.AddWithValue("reason", why);
                if (await claim.ExecuteNonQueryAsync(t) == 0)
                {
                    return new FlowImportResult(id, true, rows.Count, []);
                }
            }

            await CopyAsync(conn, settings.Schema, id, rows, t);
            var identified = new List<string>();
            var named = (await session.Query<CommunityDocument>().ToListAsync(t)).Select(d => d.State).ToList();
            foreach (var finding in EmergingRule.Evaluate(await ObservationsAsync(conn, settings.Schema, areas, t), (area, value) => IsNamed(named, area, value), thresholds.Value))
            {
                var stream = Candidate.StreamId(finding.AreaCode, finding.Dimension, finding.Value);
                if (await session.Events.FetchStreamStateAsync(stream, t) is null)
                {
                    session.Events.StartStream(stream, new EmergingCommunityIdentified(stream, finding.AreaCode, finding.Dimension, finding.Value, finding.Evidence, finding.Thresholds));
                    identified.Add(stream);
                }
            }

            session.Events.StartStream($"flow-import-{id}", new FlowDataImported(id, checksum, rows.Count, user.SubjectId(), why, identified));
            return new FlowImportResult(id, false, rows.Count, identified);
        }, user.SubjectId(), ct);
        return TypedResults.Ok(result);
    }

    /// <summary>A value is already a named community of the area when a community there is named for it or speaks it.</summary>
    private static bool IsNamed(IReadOnlyList<Community> communities, string area, string value) =>
        communities.Any(c => c.AreaCode == area
                             && (c.Name.Contains(value, StringComparison.OrdinalIgnoreCase) || c.Languages.Contains(value, StringComparer.OrdinalIgnoreCase)));

    private static async Task CopyAsync(NpgsqlConnection conn, string schema, Guid id, IReadOnlyList<Row> rows, CancellationToken ct)
    {
        await using var writer = await conn.BeginBinaryImportAsync(
            $"copy {schema}.flow_observations (import_id, line, period_start, period_end, area_code, area_type, dimension, value, count, source) from stdin (format binary)", ct);
        foreach (var r in rows)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(id, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(r.Line, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(r.PeriodStart, NpgsqlDbType.Date, ct);
            await writer.WriteAsync(r.PeriodEnd, NpgsqlDbType.Date, ct);
            await writer.WriteAsync(r.AreaCode, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(r.AreaType, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(r.Dimension, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(r.Value, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(r.Count, NpgsqlDbType.Bigint, ct);
            await writer.WriteAsync(r.Source, NpgsqlDbType.Text, ct);
        }

        await writer.CompleteAsync(ct);
    }

    /// <summary>Every row held, attributed to areas: a local-authority row counts for each area of its district.</summary>
    private static async Task<List<FlowObservation>> ObservationsAsync(NpgsqlConnection conn, string schema, AreaDirectory areas, CancellationToken ct)
    {
        var list = new List<FlowObservation>();
        await using var cmd = new NpgsqlCommand($"select period_start, period_end, area_code, area_type, dimension, value, count, source from {schema}.flow_observations", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var targets = r.GetString(3) == "area" ? [r.GetString(2)] : areas.All.Where(a => a.DistrictCode == r.GetString(2)).Select(a => a.Code).ToList();
            foreach (var area in targets)
            {
                list.Add(new FlowObservation(r.GetFieldValue<DateOnly>(0), r.GetFieldValue<DateOnly>(1), area, r.GetString(4), r.GetString(5), r.GetInt64(6), r.GetString(7)));
            }
        }

        return list;
    }
}
