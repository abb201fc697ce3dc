using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engagement.MartenAdditions;
using Engagement.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Engagement.Messaging.Kin;

/// <summary>
/// A JSON merge patch (RFC 7396) of a member: the fields sent replace what is there, null clears an optional field, and
/// <c>sensitive</c> merges by field (<c>{"sensitive": {"faith": null}}</c> removes faith alone). Lists are replaced whole.
/// </summary>
public sealed record KinPatch(KinRequest Values, IReadOnlySet<string> Fields)
{
    public static KinPatch Parse(JsonObject body, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, _) in body)
        {
            if (KinRequest.Fields.FirstOrDefault(f => string.Equals(f, key, StringComparison.OrdinalIgnoreCase)) is { } field)
            {
                fields.Add(field);
            }
            else
            {
                errors[key] = [$"Not a field of a key individual; these are: {string.Join(", ", KinRequest.Fields)}."];
            }
        }

        KinRequest? values = null;
        try
        {
            values = body.Deserialize<KinRequest>(options);
        }
        catch (JsonException e)
        {
            errors[e.Path is { Length: > 2 } path ? path[2..] : "body"] = ["Not a value of the right type."];
        }

        return errors.Count > 0 ? throw new ValidationFailedException(errors) : new KinPatch(values!, fields);
    }

    public KinRequest ApplyTo(KinRequest current)
    {
        ArgumentNullException.ThrowIfNull(current);
        T Pick<T>(string field, T patched, T existing) => Fields.Contains(field) ? patched : existing;
        return new KinRequest(
            Pick("name", Values.Name, current.Name),
            Pick("organisation", Values.Organisation, current.Organisation),
            Pick("roleInCommunity", Values.RoleInCommunity, current.RoleInCommunity),
            Pick("areas", Values.Areas, current.Areas),
            Pick("issues", Values.Issues, current.Issues),
            Pick("email", Values.Email, current.Email),
            Pick("phone", Values.Phone, current.Phone),
            Pick("preferredChannel", Values.PreferredChannel, current.PreferredChannel),
            Pick("language", Values.Language, current.Language),
            Pick("consents", Values.Consents, current.Consents),
            Pick("reviewOn", Values.ReviewOn, current.ReviewOn),
            Fields.Contains("sensitive") ? MergeSensitive(current.Sensitive, Values.Sensitive) : current.Sensitive);
    }

    private static Dictionary<string, SensitiveFieldRequest?> MergeSensitive(
        IReadOnlyDictionary<string, SensitiveFieldRequest?>? current, IReadOnlyDictionary<string, SensitiveFieldRequest?>? patch)
    {
        if (patch is null)
        {
            return [];
        }

        var merged = new Dictionary<string, SensitiveFieldRequest?>(current ?? new Dictionary<string, SensitiveFieldRequest?>(), StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }

        return merged;
    }
}

public static class ChangeKeyIndividual
{
    public const string DefaultReason = "key individual's details updated";

    public static KeyIndividualChanged Decide(KeyIndividual s, KinPatch patch, DateTimeOffset now, AreaDirectory areas, string by)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(patch);
        if (!s.Exists || s.Person is null)
        {
            throw new NotFoundException("Key individual", s.Id.ToString());
        }

        // An unchanged review date that has passed does not block other corrections; a new one must be in the future.
        var (person, profile) = KinRules.Validate(patch.ApplyTo(KinRequest.From(s)), now, areas, reviewOnMustBeFuture: patch.Fields.Contains("reviewOn"));
        var fields = ChangedFields(s.Person, s.Profile, person, profile);
        return fields.Count == 0
            ? throw new ValidationFailedException(new Dictionary<string, string[]> { ["body"] = ["Nothing would change."] })
            : new KeyIndividualChanged(s.Id, fields, person, profile, now, by);
    }

    public static async Task<Ok<KinMemberView>> Handle(
        Guid id, JsonObject body, HttpContext http, ClaimsPrincipal user, IDocumentStore store, EventStoreSettings settings, AreaDirectory areas,
        TimeProvider clock, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(json);
        var expected = http.Request.RequireIfMatchVersion();
        var patch = KinPatch.Parse(body, json.Value.SerializerOptions);
        var reason = KinAccess.OptionalReason(http.Request) ?? DefaultReason;
        await using (var query = store.QuerySession())
        {
            _ = await KinStore.LoadAsync(query, id, ct) ?? throw await KinStore.MissingAsync(query, id, ct);
        }

        var now = clock.GetUtcNow();
        KeyIndividualChanged? changed = null;
        var result = await KinStore.HandleAsync(store, id, expected, doc =>
        {
            if (!doc.Exists)
            {
                // It was there a moment ago: a concurrent erasure got in first.
                throw KinStore.Erased();
            }

            KinAccess.RequireAreas(user, doc.Profile.Areas);
            changed = Decide(doc.State, patch, now, areas, user.SubjectId());
            KinAccess.RequireAreas(user, changed.Profile.Areas);
            return [changed];
        }, async (session, doc, t) =>
        {
            await KinStore.WriteAsync(session, settings, doc, t);
            await session.AuditAsync(settings, user, new Audit.Entry("change", KinStore.AuditSubject, id.ToString(), reason, new { fields = changed!.Fields }), t);
        }, user.SubjectId(), ct);

        KinTime.SetETag(http, result.Version);
        return TypedResults.Ok(KinMemberView.From(result.State with { Version = result.Version }, now));
    }

    /// <summary>The names of the fields that differ, for the event and the audit log; never their values.</summary>
    public static IReadOnlyList<string> ChangedFields(KinPerson a, KinProfile ap, KinPerson b, KinProfile bp)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(ap);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(bp);
        var fields = new List<string>();
        void If(bool differs, string field)
        {
            if (differs)
            {
                fields.Add(field);
            }
        }

        If(a.Name != b.Name, "name");
        If(a.Organisation != b.Organisation, "organisation");
        If(a.RoleInCommunity != b.RoleInCommunity, "roleInCommunity");
        If(!ap.Areas.SequenceEqual(bp.Areas), "areas");
        If(!ap.Issues.SequenceEqual(bp.Issues), "issues");
        If(a.Email != b.Email, "email");
        If(a.Phone != b.Phone, "phone");
        If(ap.PreferredChannel != bp.PreferredChannel, "preferredChannel");
        If(ap.Language != bp.Language, "language");
        If(!ap.Consents.SequenceEqual(bp.Consents), "consents");
        If(ap.ReviewOn != bp.ReviewOn, "reviewOn");
        foreach (var key in a.Sensitive.Keys.Union(b.Sensitive.Keys).Order(StringComparer.Ordinal))
        {
            If(a.Sensitive.GetValueOrDefault(key) != b.Sensitive.GetValueOrDefault(key), $"sensitive.{key}");
        }

        return fields;
    }
}
