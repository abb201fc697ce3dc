using System.Security.Claims;

namespace Engagement.ServiceDefaults.Tests;

/// <summary>Area scope fails closed: a token that names no area may act in none, unless it says force-wide.</summary>
public sealed class AreaScopeTests
{
    private static ClaimsPrincipal User(string role, params string[] areas) =>
        new(new ClaimsIdentity([new Claim("sub", "someone"), new Claim("role", role), .. areas.Select(a => new Claim("area", a))], "test", "sub", "role"));

    [Fact]
    public void staff_with_no_area_claim_may_act_in_no_area()
    {
        var officer = User(Roles.Neighbourhood);

        Assert.False(officer.CanActIn("bulwell"));
        Assert.Equal([], officer.ScopedAreas()!);
        var refused = Assert.Throws<DomainException>(() => officer.RequireArea("bulwell"));
        Assert.Equal(403, refused.Status);
        Assert.Equal("outside-your-areas", refused.ProblemType);
        Assert.Contains("names no area", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void staff_act_only_in_the_areas_their_token_names()
    {
        var officer = User(Roles.Neighbourhood, "bulwell", "basford");

        Assert.True(officer.CanActIn("bulwell"));
        Assert.False(officer.CanActIn("arboretum"));
        Assert.Equal(["bulwell", "basford"], officer.ScopedAreas()!);
        Assert.Contains("bulwell, basford", Assert.Throws<DomainException>(() => officer.RequireArea("arboretum")).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.Neighbourhood)]
    [InlineData(Roles.Communications)]
    public void a_token_that_says_force_wide_acts_everywhere(string role)
    {
        var staff = User(role, AreaScope.ForceWide);

        Assert.True(staff.CanActIn("arboretum"));
        Assert.Null(staff.ScopedAreas());
        Assert.Empty(staff.Areas());
        staff.RequireArea("arboretum");
    }

    [Fact]
    public void admins_act_everywhere_by_role()
    {
        Assert.True(User(Roles.Admin).CanActIn("arboretum"));
        Assert.Null(User(Roles.Admin).ScopedAreas());
    }
}
