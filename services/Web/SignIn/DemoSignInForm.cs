using Engagement.ServiceDefaults;

namespace Engagement.Web.SignIn;

public sealed class DemoSignInForm
{
    public string Role { get; set; } = Roles.Neighbourhood;
    public string? Sub { get; set; }
    private string[] _areas = [];

    // A multiple select with nothing chosen posts nothing, and form binding then sets null (a resident or an admin).
    public string[] Areas { get => _areas; set => _areas = value ?? []; }
    public bool ForceWide { get; set; }
    public string? ReturnUrl { get; set; }

    /// <summary>Field errors by the field's name, as the API names them, so the page shows them as it shows the API's.</summary>
    public Dictionary<string, string[]> Validate(AreaDirectory directory)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (!Roles.All.Contains(Role))
        {
            errors["role"] = ["Choose a role."];
        }

        if (Sub is { Length: > 100 } || (Sub ?? "").Any(char.IsWhiteSpace))
        {
            errors["sub"] = ["At most 100 characters, with no spaces."];
        }

        if (Areas.Any(a => !directory.Exists(a)))
        {
            errors["areas"] = ["Choose areas from the list."];
        }
        else if (Role is Roles.Neighbourhood or Roles.Communications or Roles.Analyst && !ForceWide && Areas.Length == 0)
        {
            errors["areas"] = ["Staff need at least one area, or force-wide."];
        }

        return errors;
    }
}
