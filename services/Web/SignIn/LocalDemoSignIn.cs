using System.Security.Claims;
using Engagement.ServiceDefaults;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Engagement.Web.SignIn;

/// <summary>
/// The local demo sign-in: only when the local signing key is configured (<c>Auth:SigningKeyFile</c> or
/// <c>Auth:SigningKey</c>, as the services read it), the console mints the same token <c>./engage token</c> makes.
/// Without the key this does not exist, and its page is a 404.
/// </summary>
public sealed class LocalDemoSignIn(IConfiguration configuration)
{
    private readonly SymmetricSecurityKey? _key = TryKey(configuration);

    public bool Enabled => _key is not null;

    /// <summary>The token, shaped like <c>./engage token</c>'s: sub, role, repeated area (<c>*</c> is force-wide), 8 hours.</summary>
    public string Mint(string role, string sub, IReadOnlyList<string> areas, DateTimeOffset expires)
    {
        var key = _key ?? throw new InvalidOperationException("The local demo sign-in is off: no local signing key is configured.");
        var claims = new List<Claim> { new("sub", sub), new("role", role) };
        claims.AddRange(areas.Select(a => new Claim(AreaScope.Claim, a)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = configuration["Auth:Issuer"] ?? "engage-local",
            Audience = configuration["Auth:Audience"] ?? "engagement",
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    private static SymmetricSecurityKey? TryKey(IConfiguration configuration)
    {
        var file = configuration["Auth:SigningKeyFile"];
        var configured = !string.IsNullOrWhiteSpace(configuration["Auth:SigningKey"]) || (!string.IsNullOrWhiteSpace(file) && File.Exists(file));
        return configured ? Auth.SigningKey(configuration) : null;
    }
}
