using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Engagement.Testing;

/// <summary>A signing key made for this test run, and tokens signed with it, shaped like `./engage token`'s.</summary>
public static class TestTokens
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(48);

    public static string KeyBase64 { get; } = Convert.ToBase64String(Key);

    public static string Create(string role, string? sub = null, IEnumerable<string>? areas = null, string issuer = "engage-local", string audience = "engagement", byte[]? key = null)
    {
        var claims = new List<Claim> { new("sub", sub ?? $"test-{role}"), new("role", role) };
        claims.AddRange((areas ?? []).Select(a => new Claim("area", a)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? Key) { KeyId = "engage-local" }, SecurityAlgorithms.HmacSha256),
        });
    }
}
