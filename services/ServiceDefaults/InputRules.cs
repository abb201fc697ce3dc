using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Engagement.ServiceDefaults;

/// <summary>
/// What any text or time a request carries must be, checked once for every body, query parameter, route value and
/// free-text header, before an endpoint sees it. PostgreSQL refuses NUL in text and <c>\u0000</c> in jsonb; a lone
/// surrogate cannot be encoded for an email (it sent the same emails again and again); a time near year 9999 overflows
/// the first arithmetic done on it. Each was a 500, and NUL could leave a pooled connection broken.
/// </summary>
public static class InputRules
{
    /// <summary>The earliest and latest instants any request may name. Nothing this service keeps lies outside them.</summary>
    public static readonly DateTimeOffset Earliest = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Latest = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string RangeMessage = "Must be a time between 1900 and 2200, as ISO 8601 with an offset.";

    /// <summary>Headers whose text the services keep or show (the others are the server's and Kestrel's concern).</summary>
    private static readonly string[] TextHeaders = ["X-Access-Reason", "Idempotency-Key"];

    /// <summary>Why <paramref name="value"/> is not acceptable text, or null when it is.</summary>
    public static string? TextProblem(string value, bool multiline)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "Contains invalid Unicode (a lone surrogate).";
            }
            else if (char.IsControl(c) && !(multiline && c is '\t' or '\n' or '\r'))
            {
                return c == '\0' ? "Must not contain NUL characters." : "Must not contain control characters.";
            }
        }

        return null;
    }

    public static string? TimeProblem(DateTimeOffset value) => value < Earliest || value > Latest ? RangeMessage : null;

    /// <summary>Bodies: every JSON string and time passes the rules; a failure names its field.</summary>
    public static void AddTo(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new TextConverter());
        options.Converters.Add(new DateTimeOffsetConverter());
        options.Converters.Add(new DateTimeConverter());
    }

    /// <summary>Query parameters, route values and free-text headers: a 400 naming the parameter.</summary>
    public static void UseInputRules(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            var errors = new FieldErrors();
            foreach (var (name, values) in context.Request.Query)
            {
                foreach (var v in values)
                {
                    CheckParameter(errors, name, v);
                }
            }

            foreach (var (name, value) in context.GetRouteData().Values)
            {
                if (value is string s)
                {
                    CheckParameter(errors, name, s);
                }
            }

            foreach (var name in TextHeaders)
            {
                foreach (var v in context.Request.Headers[name])
                {
                    if (v is not null && TextProblem(v, multiline: false) is { } problem)
                    {
                        errors.Add(name, problem);
                    }
                }
            }

            errors.ThrowIfAny();
            await next(context);
        });
    }

    private static void CheckParameter(FieldErrors errors, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (TextProblem(value, multiline: false) is { } problem)
        {
            errors.Add(name, problem);
        }
        // A query value that reads as a time is a time wherever it is bound, so it is held to the same range.
        else if (value.Length >= 10 && char.IsAsciiDigit(value[0])
                 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                 && TimeProblem(at) is { } range)
        {
            errors.Add(name, range);
        }
    }

    /// <summary>Thrown inside the JSON reader so that System.Text.Json adds the field's path.</summary>
    public sealed class RejectedValueException(string message) : Exception(message);

    private static JsonException Reject(string message) => new(message, new RejectedValueException(message));

    /// <summary>The field a body error belongs to, from System.Text.Json's path: <c>$.venue.notes</c> is <c>venue.notes</c>.</summary>
    public static string Field(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private sealed class TextConverter : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException();
            }

            string value;
            try
            {
                value = reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                // An escaped lone surrogate, which the reader refuses to turn into a string.
                throw Reject("Contains invalid Unicode (a lone surrogate).");
            }

            // Bodies carry notes and alert texts, where line breaks and tabs are text.
            return TextProblem(value, multiline: true) is { } problem ? throw Reject(problem) : value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private sealed class DateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
            {
                throw Reject("Must be a time as ISO 8601 with an offset, such as 2026-05-01T18:00:00+01:00.");
            }

            return TimeProblem(value) is { } problem ? throw Reject(problem) : value;
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private sealed class DateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var value))
            {
                throw Reject("Must be a time as ISO 8601 with an offset, such as 2026-05-01T18:00:00+01:00.");
            }

            return value.Year is < 1900 or >= 2200 ? throw Reject(RangeMessage) : value;
        }

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
