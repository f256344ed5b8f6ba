namespace Kashika.Testing;

/// <summary>Where the tests find the repository, the shared corpus and the built CLI.</summary>
public static class Paths
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>../shared/corpus beside the checkout, which CI has and a user's clone may not.</summary>
    public static string Corpus => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "corpus"));

    /// <summary>The CLI as built next to the tests (the test project references it).</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "kashika.dll");

    public static string RequireCorpus(string relative)
    {
        string path = Path.Combine(Corpus, relative);
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            Requirements.Missing($"the shared corpus is not at {path} (it sits beside the checkout in CI)");
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kashika.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Kashika.slnx not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Optional outside things a test needs. A user's machine may lack them (the test is skipped, saying why);
/// in CI (CI=true) nothing may be skipped, so a missing requirement fails the test instead.</summary>
public static class Requirements
{
    public static void Missing(string reason)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"required in CI: {reason}");
        }

        Assert.Skip(reason);
    }
}
