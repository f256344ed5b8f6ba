namespace Kashika.Adapters.Git.Native;

/// <summary>
/// The few configuration keys that change what <c>git log</c> prints for relate, gathered from every file git reads
/// (system, global, the repository's, and whatever they include). Only presence and value matter: where a key is set
/// that this reader does not honour, the repository goes to the git command.
/// </summary>
internal sealed class GitConfig
{
    private const int MaxBytes = 4 << 20;
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly List<(string Key, string Value)> every = [];

    /// <summary>The last value of <paramref name="key"/> ("section.name" or "section.sub.name", section and name in lower case).</summary>
    public string? Get(string key) => values.GetValueOrDefault(key);

    public IEnumerable<string> Keys => values.Keys;

    /// <summary>Every value set, in the order read, a key as often as it is set: git checks each as it reads it.</summary>
    public IReadOnlyList<(string Key, string Value)> Every => every;

    /// <summary>Reads the files git would, for a repository whose shared folder is <paramref name="commonDirectory"/>.</summary>
    public static GitConfig Load(string commonDirectory)
    {
        var (user, problem) = UserLevel.Value;
        if (problem is not null)
        {
            throw new UnsupportedRepositoryException(problem);
        }

        var config = new GitConfig();
        foreach (var (key, value) in user!.every)
        {
            config.values[key] = value;
            config.every.Add((key, value));
        }

        config.ReadFile(Path.Combine(commonDirectory, "config"), 0);
        return config;
    }

    // The system and global files are the same for every repository: read once per run (with why they cannot be used,
    // which then holds for every repository alike).
    private static readonly Lazy<(GitConfig? Config, string? Problem)> UserLevel = new(() =>
    {
        var config = new GitConfig();
        string? home = Environment.GetEnvironmentVariable("HOME");
        string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        try
        {
            if (Environment.GetEnvironmentVariable("GIT_CONFIG_NOSYSTEM") is not { Length: > 0 })
            {
                config.ReadFile(Environment.GetEnvironmentVariable("GIT_CONFIG_SYSTEM") ?? "/etc/gitconfig", 0);
            }

            if (Environment.GetEnvironmentVariable("GIT_CONFIG_GLOBAL") is { } global)
            {
                config.ReadFile(global, 0);
            }
            else
            {
                if (xdg is { Length: > 0 })
                {
                    config.ReadFile(Path.Combine(xdg, "git", "config"), 0);
                }
                else if (home is { Length: > 0 })
                {
                    config.ReadFile(Path.Combine(home, ".config", "git", "config"), 0);
                }

                if (home is { Length: > 0 })
                {
                    config.ReadFile(Path.Combine(home, ".gitconfig"), 0);
                }
            }

            return (config, null);
        }
        catch (UnsupportedRepositoryException e)
        {
            return (null, e.Message);
        }
    });

    // git's config syntax, enough to find keys: [section], [section "sub"], [section.sub], key = value, comments, quotes.
    // include.path and includeIf.*.path are followed whatever their condition: a key set in a file that may apply is
    // treated as set, which can only send a repository to the git command, never count wrongly.
    private void ReadFile(string path, int depth)
    {
        if (depth > 10)
        {
            throw new UnsupportedRepositoryException($"{path}: config includes nested more than 10 deep");
        }

        string[] lines;
        try
        {
            // A config file is a few kilobytes; an include of /dev/zero or a huge file is not one this reader reads.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096);
            using var text = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                text.Write(chunk, 0, read);
                if (text.Length > MaxBytes)
                {
                    throw new UnsupportedRepositoryException($"{path}: a config file over {MaxBytes / 1024 / 1024} MiB");
                }
            }

            lines = System.Text.Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length).Split('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // git skips a config file that is not there
        }

        string section = "";
        foreach (string raw in lines)
        {
            string line = raw.Trim(ObjectId.GitSpace);
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                int close = line.IndexOf(']', StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new UnsupportedRepositoryException($"{path}: a config line this reader cannot parse");
                }

                string header = line[1..close].Trim(ObjectId.GitSpace);
                int quote = header.IndexOf('"', StringComparison.Ordinal);
                section = quote < 0
                    ? header.ToLowerInvariant()
                    : header[..quote].Trim(ObjectId.GitSpace).ToLowerInvariant() + "." + header[(quote + 1)..].TrimEnd('"');
                line = line[(close + 1)..].Trim(ObjectId.GitSpace);
                if (line.Length == 0 || line[0] is '#' or ';')
                {
                    continue;
                }
            }

            int equals = line.IndexOf('=', StringComparison.Ordinal);
            string name = (equals < 0 ? line : line[..equals]).Trim(ObjectId.GitSpace).ToLowerInvariant();
            // git refuses a key outside a section or a name not of letters, digits and '-' starting with a letter
            // ("fatal: bad config line"): such a file is git's to refuse.
            if (section.Length == 0 || name.Length == 0 || !char.IsAsciiLetter(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
                || (!section.Contains('.', StringComparison.Ordinal) && !section.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')))
            {
                throw new UnsupportedRepositoryException($"{path}: a config line git would refuse");
            }

            string value = equals < 0 ? "true" : Unquote(line[(equals + 1)..].Trim(ObjectId.GitSpace));
            string key = section + "." + name;
            values[key] = value;
            every.Add((key, value));
            if ((section == "include" || section.StartsWith("includeif.", StringComparison.Ordinal)) && name == "path")
            {
                string included = value.StartsWith("~/", StringComparison.Ordinal)
                    ? Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/", value[2..])
                    : Path.Combine(Path.GetDirectoryName(path) ?? "/", value);
                ReadFile(included, depth + 1);
            }
        }
    }

    private static string Unquote(string value)
    {
        int comment = value.IndexOfAny(['#', ';']);
        if (comment >= 0 && !value.Contains('"', StringComparison.Ordinal))
        {
            value = value[..comment].TrimEnd(ObjectId.GitSpace);
        }

        return value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
    }
}
