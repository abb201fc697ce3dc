using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Engagement.ServiceDefaults;

public static class Roles
{
    public const string Neighbourhood = "neighbourhood";
    public const string Communications = "communications";
    public const string Analyst = "analyst";
    public const string Resident = "resident";
    public const string Admin = "admin";

    public static readonly string[] All = [Neighbourhood, Communications, Analyst, Resident, Admin];
}

/// <summary>
/// JWT bearer auth, checked at the gateway and again in every service. Locally the tokens are HS256, signed with a key
/// generated on first use by <c>./engage token</c> into a git-ignored file; in production an issuer's authority is
/// configured instead (<c>Auth:Authority</c>) and keys come from its metadata.
/// </summary>
public static class Auth
{
    public const string AnyRole = "any-role";

    public static void AddEngagementAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // Read when the options are first used, so hosts and tests can still override the key or the authority.
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IConfiguration>((o, configuration) =>
        {
            var config = configuration.GetSection("Auth");
            o.MapInboundClaims = false;
            o.RequireHttpsMetadata = false;
            var authority = config["Authority"];
            if (!string.IsNullOrWhiteSpace(authority))
            {
                o.Authority = authority;
            }

            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = config["Issuer"] ?? "engage-local",
                ValidAudience = config["Audience"] ?? "engagement",
                IssuerSigningKey = string.IsNullOrWhiteSpace(authority) ? SigningKey(configuration) : null,
                NameClaimType = "sub",
                RoleClaimType = "role",
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });

        builder.Services.AddAuthorizationBuilder()
            // Closed by default: an endpoint that does not say who may call it needs a signed-in user with a known role,
            // and endpoints open to the public say so with AllowAnonymous.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(Roles.All).Build())
            .AddPolicy(AnyRole, p => p.RequireAuthenticatedUser().RequireRole(Roles.All))
            .AddPolicy(Roles.Neighbourhood, p => p.RequireRole(Roles.Neighbourhood, Roles.Admin))
            .AddPolicy(Roles.Communications, p => p.RequireRole(Roles.Communications, Roles.Admin))
            .AddPolicy(Roles.Resident, p => p.RequireRole(Roles.Resident))
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin));
    }

    /// <summary>The symmetric key from <c>Auth:SigningKey</c> (base64) or the file named by <c>Auth:SigningKeyFile</c>.</summary>
    public static SymmetricSecurityKey SigningKey(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration["Auth:SigningKey"];
        var file = configuration["Auth:SigningKeyFile"];
        if (string.IsNullOrWhiteSpace(text) && !string.IsNullOrWhiteSpace(file) && File.Exists(file))
        {
            text = File.ReadAllText(file).Trim();
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidOperationException("No signing key: set Auth:SigningKey (base64), Auth:SigningKeyFile, or Auth:Authority. `./engage token` creates a local key.");
        }

        var bytes = Convert.FromBase64String(text);
        return bytes.Length < 32
            ? throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes.")
            : new SymmetricSecurityKey(bytes) { KeyId = "engage-local" };
    }

    /// <summary>Only staff of these roles (admins always) may call the endpoint.</summary>
    public static TBuilder RequireRoles<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(p => p.RequireAuthenticatedUser().RequireRole(roles.Append(Roles.Admin).Distinct()));

    /// <summary>The caller's subject (a resident's subscriber id, a member of staff's user id).</summary>
    public static string SubjectId(this ClaimsPrincipal user) =>
        user?.FindFirstValue("sub") ?? throw new InvalidOperationException("The token has no subject.");

    /// <summary>
    /// The area codes the token names (its <c>area</c> claims), without the force-wide marker. Empty means none: what
    /// a member of staff may do with them is <see cref="AreaScope"/>'s rule.
    /// </summary>
    public static IReadOnlyList<string> Areas(this ClaimsPrincipal user) =>
        user?.FindAll(AreaScope.Claim).Select(c => c.Value).Where(a => a != AreaScope.ForceWide).ToArray() ?? [];
}
