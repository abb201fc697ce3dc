namespace Engagement.Testing;

/// <summary>Where this clone of the repository is, for tests and benchmarks that use its files.</summary>
public static class Repository
{
    /// <summary>The directory holding `engage`, from the working directory or the program's own location upwards.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "engage")) && File.Exists(Path.Combine(dir.FullName, "Engagement.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
