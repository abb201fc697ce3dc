using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Engagement.ServiceDefaults;

/// <summary>
/// Every service's OpenAPI document, completed from what its endpoints already declare rather than by a copy per
/// endpoint: the bearer scheme (none on anonymous routes), the errors each operation can answer as problem+json, the
/// headers it reads (<see cref="RequestHeaders"/>), an operation id, and the gateway as the one server.
/// </summary>
public static partial class ApiDocs
{
    public const string BearerScheme = "bearer";
    public const string ProblemSchema = "ProblemDetails";
    public const string ValidationProblemSchema = "ValidationProblemDetails";
    public const string ProblemJson = "application/problem+json";

    /// <summary>The tag of what every service answers (MapDefaultEndpoints).</summary>
    public const string ServiceTag = "Service";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        [ServiceTag] = "What every service answers: the areas, its personal-data audit log (admin) and how far its projections and relay are behind (admin).",
        ["Surgeries"] = "Beat surgeries: listings and calendar feeds for anyone; scheduling, series, bookings, waitlists and outcomes.",
        ["Messaging"] = "Alerts to residents and key individuals, residents' subscriptions and inboxes, replies and their 72-hour clock.",
        ["Key Individual Network"] = "The register of key individuals; every read states a reason, and every read and change is audited.",
        ["Profiles"] = "Census imports, community profiles per area, named communities and their channel evidence, versions, emerging communities.",
        ["Plans"] = "Engagement plans and their objectives; priorities from surgeries and surveys, ranked, adopted, actioned and closed.",
    };

    /// <summary>Where clients reach every service: the gateway, <c>Gateway:PublicUrl</c>.</summary>
    public static string GatewayUrl(IConfiguration configuration) =>
        (configuration?["Gateway:PublicUrl"] is { Length: > 0 } url ? url : "http://127.0.0.1:8080").TrimEnd('/');

    public static void AddApiDocs(this IServiceCollection services, string serviceName) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer((document, context, _) =>
        {
            var configuration = context.ApplicationServices.GetRequiredService<IConfiguration>();
            Describe(document, serviceName, GatewayUrl(configuration));
            return Task.CompletedTask;
        });
        // InputRules' converters for strings and times hide their JSON type from the schema generator, which then
        // described every text field as "anything": say what they are.
        o.AddSchemaTransformer((schema, context, _) =>
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (schema.Type is null && schema.OneOf is not { Count: > 0 })
            {
                if (type == typeof(string))
                {
                    schema.Type = JsonSchemaType.String;
                }
                else if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
                {
                    schema.Type = JsonSchemaType.String;
                    schema.Format = "date-time";
                }
            }

            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            Complete(operation, context.Description, context.Document);
            return Task.CompletedTask;
        });
    });

    private static void Describe(OpenApiDocument document, string serviceName, string gateway)
    {
        var name = serviceName.Replace("engagement-", "", StringComparison.Ordinal);
        document.Info.Title = $"Engagement: {name}";
        document.Info.Description =
            $"The {name} service, reached through the gateway at /api/{name}. Sign in with a bearer token (`./engage token`); " +
            "errors are application/problem+json (RFC 9457) with a stable `type`, and field errors under `errors`.";
        document.Servers = [new OpenApiServer { Url = gateway, Description = "The gateway" }];
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } tagName && TagDescriptions.TryGetValue(tagName, out var text))
            {
                tag.Description ??= text;
            }
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A signed JWT with a `role` claim (neighbourhood, communications, analyst, resident, admin), `sub`, and for staff `area` claims (or `*` for force-wide).",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = Problem(withErrors: false);
        document.Components.Schemas[ValidationProblemSchema] = Problem(withErrors: true);
    }

    /// <summary>RFC 9457's members, with the trace id every problem here carries, and field errors on a 400.</summary>
    private static OpenApiSchema Problem(bool withErrors)
    {
        static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = description };
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = withErrors ? "A problem whose `errors` name each field that was refused." : "A problem (RFC 9457).",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Text("A stable identifier of the problem's kind, such as https://engagement.example/problems/validation."),
                ["title"] = Text("A short, human-readable summary of the kind."),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
                ["detail"] = Text("What happened in this case."),
                ["instance"] = Text("The request's path."),
                ["traceId"] = Text("Quote it when you report a problem."),
            },
            Required = new HashSet<string> { "type", "title", "status" },
        };
        if (withErrors)
        {
            schema.Properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Each refused field (or header, or query parameter), with what is wrong with it.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            };
        }

        return schema;
    }

    private static void Complete(OpenApiOperation operation, ApiDescription description, OpenApiDocument? document)
    {
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var method = description.HttpMethod ?? "GET";
        operation.OperationId ??= OperationId(method, description.RelativePath ?? "");

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        operation.Security = anonymous
            ? []
            : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];

        var headers = metadata.OfType<RequestHeader>().ToList();
        foreach (var header in headers)
        {
            operation.Parameters ??= [];
            if (!operation.Parameters.Any(p => p.In == ParameterLocation.Header && string.Equals(p.Name, header.Name, StringComparison.OrdinalIgnoreCase)))
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = header.Name,
                    In = ParameterLocation.Header,
                    Required = header.Required,
                    Description = header.Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = header.Name == RequestHeader.IdempotencyKey ? 200 : null },
                });
            }
        }

        var statuses = ErrorStatuses(method, description, anonymous, headers, metadata);
        operation.Responses ??= [];
        foreach (var status in statuses)
        {
            var key = status.ToString(CultureInfo.InvariantCulture);
            if (operation.Responses.TryGetValue(key, out var existing) && existing.Content?.ContainsKey(ProblemJson) == true)
            {
                continue;
            }

            operation.Responses[key] = new OpenApiResponse
            {
                Description = Reason(status),
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemJson] = new() { Schema = new OpenApiSchemaReference(status == 400 ? ValidationProblemSchema : ProblemSchema, document) },
                },
            };
        }
    }

    /// <summary>
    /// The errors an operation can answer, from what it declares: every request passes the input rules (400) and the
    /// gateway's rate limit (429); a signed-in route answers 401 and 403 (a role, or an area outside the token's);
    /// a route with an id can find nothing (404); a body can be too large (413) or of the wrong type (415); a change
    /// can lose a race (409); If-Match can be stale (412) or, where required, missing (428). Anything more particular
    /// (410, 422) the endpoint declares itself with <c>ProducesProblem</c>.
    /// </summary>
    private static SortedSet<int> ErrorStatuses(string method, ApiDescription description, bool anonymous, List<RequestHeader> headers, IList<object> metadata)
    {
        var statuses = new SortedSet<int> { StatusCodes.Status400BadRequest, StatusCodes.Status429TooManyRequests };
        if (!anonymous)
        {
            statuses.Add(StatusCodes.Status401Unauthorized);
            statuses.Add(StatusCodes.Status403Forbidden);
        }

        if (description.ParameterDescriptions.Any(p => p.Source == BindingSource.Path))
        {
            statuses.Add(StatusCodes.Status404NotFound);
        }

        var hasBody = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body || p.Source == BindingSource.Form)
                      || metadata.OfType<IAcceptsMetadata>().Any();
        if (hasBody)
        {
            statuses.Add(StatusCodes.Status413PayloadTooLarge);
            statuses.Add(StatusCodes.Status415UnsupportedMediaType);
        }

        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            statuses.Add(StatusCodes.Status409Conflict);
        }

        if (headers.FirstOrDefault(h => h.Name == RequestHeader.IfMatch) is { } ifMatch)
        {
            statuses.Add(StatusCodes.Status412PreconditionFailed);
            if (ifMatch.Required)
            {
                statuses.Add(StatusCodes.Status428PreconditionRequired);
            }
        }

        return statuses;
    }

    private static string Reason(int status) => status switch
    {
        400 => "The request has invalid fields, parameters or headers; `errors` names each.",
        401 => "No valid bearer token.",
        403 => "The token's role, or its areas, do not allow this.",
        404 => "Nothing has that id (or it is not yours to see).",
        409 => "The change conflicts with the current state, or with a change made at the same moment.",
        412 => "If-Match names a version that is no longer current: read it again.",
        413 => "The request body is larger than the limit.",
        415 => "The body's Content-Type is not one this operation reads.",
        428 => "If-Match is required.",
        429 => "Over the client's rate limit: retry after Retry-After seconds.",
        _ => ReasonPhrases.GetReasonPhrase(status),
    };

    /// <summary>
    /// <c>GET api/surgeries/{id}/bookings</c> is <c>getSurgeriesByIdBookings</c>: unique, because method and route are.
    /// </summary>
    public static string OperationId(string method, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(relativePath);
        var id = new StringBuilder(method.ToLowerInvariant());
        var segments = Constraint().Replace(relativePath, "}").Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments.SkipWhile(s => s == "api"))
        {
            var parameter = segment.StartsWith('{') && segment.EndsWith('}');
            if (parameter)
            {
                id.Append("By");
            }

            foreach (var word in segment.Trim('{', '}').Split(['-', '.', '_'], StringSplitOptions.RemoveEmptyEntries))
            {
                id.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
            }
        }

        return id.ToString();
    }

    [GeneratedRegex(@"(:[^}]*)?\??}")]
    private static partial Regex Constraint();
}
