using Engagement.ServiceDefaults;
using Npgsql;
using NpgsqlTypes;

namespace Engagement.Messaging.Alerts;

/// <summary>Resolves an audience against the targeting tables (subscribers, kin_members) with set-based SQL.</summary>
public static class AudienceQuery
{
    public static readonly IReadOnlySet<string> Interests = new HashSet<string>(StringComparer.Ordinal)
    {
        "burglary", "asb", "fraud", "road-safety", "surgeries", "rural-crime", "vehicle-crime", "knife-crime", "vawg",
        "hate-crime", "scams", "missing-people", "appeals",
    };

    public sealed record AudienceRequest(IReadOnlyList<string>? Areas, IReadOnlyList<string>? Interests, bool? Residents, bool? Kin, IReadOnlyList<string>? KinIssues);

    public static Audience Validate(AudienceRequest? request, AreaDirectory areas, FieldErrors rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (request is null)
        {
            rules.Add("audience", "Required.");
            return new Audience([], [], false, false, []);
        }

        var codes = (request.Areas ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (codes.Count == 0)
        {
            rules.Add("audience.areas", "At least one area.");
        }

        foreach (var code in codes.Where(c => !areas.Exists(c)))
        {
            rules.Add("audience.areas", $"'{code}' is not a Neighbourhood Policing Area.");
        }

        var interests = (request.Interests ?? []).Distinct(StringComparer.Ordinal).ToList();
        foreach (var i in interests.Where(i => !Interests.Contains(i)))
        {
            rules.Add("audience.interests", $"'{i}' is not an interest residents can follow.");
        }

        var residents = request.Residents ?? true;
        var kin = request.Kin ?? false;
        if (!residents && !kin)
        {
            rules.Add("audience", "Choose residents, key individuals, or both.");
        }

        return new Audience(codes, interests, residents, kin, (request.KinIssues ?? []).Distinct(StringComparer.Ordinal).ToList());
    }

    internal const string ResidentFilter = "s.active and s.area_codes && @areas and (cardinality(@interests) = 0 or s.interests && @interests)";
    internal const string KinFilter = "k.active and k.area_codes && @areas and (cardinality(@issues) = 0 or k.issues && @issues)";

    public static void Bind(NpgsqlCommand cmd, Audience audience)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        ArgumentNullException.ThrowIfNull(audience);
        cmd.Parameters.Add(new NpgsqlParameter("areas", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = audience.Areas.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("interests", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = audience.Interests.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("issues", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = audience.KinIssues.ToArray() });
        cmd.Parameters.AddWithValue("residents", audience.Residents);
        cmd.Parameters.AddWithValue("kin", audience.Kin);
    }

    public static async Task<long> CountAsync(NpgsqlConnection conn, string schema, Audience audience, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            select (select count(*) from {schema}.subscribers s where @residents and {ResidentFilter})
                 + (select count(*) from {schema}.kin_members k where @kin and {KinFilter})
            """, conn);
        Bind(cmd, audience);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
