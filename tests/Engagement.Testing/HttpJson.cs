using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Engagement.Testing;

public static class HttpJson
{
    public static Guid Id(this JsonObject o, string name = "id")
    {
        ArgumentNullException.ThrowIfNull(o);
        return Guid.Parse(o[name]!.GetValue<string>());
    }

    public static async Task<JsonObject> BodyAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
