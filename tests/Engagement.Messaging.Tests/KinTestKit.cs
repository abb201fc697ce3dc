using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Tests;

/// <summary>Bodies and calls for the KIN register tests. Every member gets unique personal values, so scans can look for them.</summary>
internal static class KinTestKit
{
    public const string Reason = "reassurance call after an incident of concern";

    /// <summary>A valid member: comms would register them like this. Override any field with <paramref name="change"/>.</summary>
    public static JsonObject Member(string[]? areas = null, string[]? issues = null, Action<JsonObject>? change = null)
    {
        var token = Guid.NewGuid().ToString("N")[..10];
        var body = new JsonObject
        {
            ["name"] = $"Amrit Kaur-Test {token}",
            ["organisation"] = $"Gurdwara Committee {token}",
            ["roleInCommunity"] = "Secretary",
            ["areas"] = new JsonArray((areas ?? ["radford"]).Select(a => (JsonNode)a).ToArray()),
            ["issues"] = new JsonArray((issues ?? ["hate-crime", "community-cohesion"]).Select(i => (JsonNode)i).ToArray()),
            ["email"] = $"amrit.{token}@example.org",
            ["phone"] = "07700 900" + Random.Shared.Next(100, 999).ToString(CultureInfo.InvariantCulture),
            ["preferredChannel"] = "email",
            ["language"] = "pa",
            ["consents"] = new JsonArray(new JsonObject
            {
                ["purpose"] = "tailored-messages",
                ["givenAt"] = DateTimeOffset.UtcNow.AddDays(-3).ToString("O", CultureInfo.InvariantCulture),
                ["method"] = "written",
                ["wordingVersion"] = "kin-2025-01",
            }),
            ["reviewOn"] = DateOnly.FromDateTime(DateTime.UtcNow.AddYears(1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["sensitive"] = new JsonObject
            {
                ["faith"] = new JsonObject { ["value"] = $"Sikh faith {token}", ["purpose"] = "To invite to faith-community reassurance meetings" },
            },
        };
        change?.Invoke(body);
        return body;
    }

    /// <summary>The personal values of a member body: none of them may be readable after erasure, or ever in the audit log.</summary>
    public static string[] PersonalValues(JsonObject body) =>
    [
        body["name"]!.GetValue<string>(),
        body["organisation"]!.GetValue<string>(),
        body["email"]!.GetValue<string>(),
        body["sensitive"]!["faith"]!["value"]!.GetValue<string>(),
    ];

    public static async Task<HttpResponseMessage> RegisterAsync(this HttpClient client, JsonObject body, string? idempotencyKey = null, string? reason = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messaging/kin") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (reason is not null)
        {
            request.Headers.Add("X-Access-Reason", reason);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Registers a member as a communications officer and returns its id.</summary>
    public static async Task<Guid> RegisterMemberAsync(this MessagingFixture f, JsonObject body)
    {
        using var comms = f.As(Roles.Communications, "comms-setup");
        var response = await comms.RegisterAsync(body);
        var created = await response.BodyAsync();
        return response.StatusCode == System.Net.HttpStatusCode.Created
            ? created.Id()
            : throw new InvalidOperationException($"Registering failed: {(int)response.StatusCode} {created.ToJsonString()}");
    }

    public static async Task<HttpResponseMessage> ReadAsync(this HttpClient client, string url, string? reason = Reason)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (reason is not null)
        {
            request.Headers.Add("X-Access-Reason", reason);
        }

        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> ReadMemberAsync(this HttpClient client, Guid id, string? reason = Reason) =>
        client.ReadAsync($"/api/messaging/kin/{id}", reason);

    public static async Task<HttpResponseMessage> PatchMemberAsync(this HttpClient client, Guid id, JsonObject body, string? ifMatch, string? reason = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/messaging/kin/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (reason is not null)
        {
            request.Headers.Add("X-Access-Reason", reason);
        }

        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> EraseMemberAsync(this HttpClient client, Guid id, string? reason = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/messaging/kin/{id}");
        if (reason is not null)
        {
            request.Headers.Add("X-Access-Reason", reason);
        }

        return await client.SendAsync(request);
    }

    public static async Task<JsonObject> BodyAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    public static Guid Id(this JsonObject o, string name = "id") => Guid.Parse(o[name]!.GetValue<string>());

    public static string[] Errors(this JsonObject problem) =>
        problem["errors"]?.AsObject().Select(e => e.Key).ToArray() ?? [];

    public static async Task<long> CountAsync(this MessagingFixture f, string sql, params (string Name, object Value)[] parameters) =>
        await f.ScalarAsync<long>(sql, parameters);
}
