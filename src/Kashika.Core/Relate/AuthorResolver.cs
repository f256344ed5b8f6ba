using System.Text;

namespace Kashika.Core.Relate;

/// <summary>Applies identity, bot and merge rules to a project's raw author tally.</summary>
public static class AuthorResolver
{
    /// <summary>The byte that separates name and e-mail in a raw author record.</summary>
    public const byte FieldSeparator = 0;

    public static ProjectAuthors Resolve(string project, AuthorTally tally, IdentityRules rules)
    {
        var commits = new Dictionary<string, int>(StringComparer.Ordinal);
        var nameVotes = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var bots = new Dictionary<(string Name, string Email), (long Commits, string Reason)>();
        long botCommits = 0, mergeCommits = 0;

        foreach (var (record, counts) in tally.Records)
        {
            if (rules.Mode == IdentityMode.OssrelName)
            {
                string key = ByteText.CollapseWhitespace(record);
                // `sort | uniq -c | sort` puts the larger count last and matrix.py keeps the last line of a name.
                commits[key] = Math.Max(commits.GetValueOrDefault(key), counts.Total);
                nameVotes[key] = new() { [ByteText.Display(key)] = 1 };
                continue;
            }

            var (name, email) = Split(record);
            if (rules.Bots?.Reason(name, email) is { } reason)
            {
                botCommits += counts.Total;
                bots[(name, email)] = (bots.GetValueOrDefault((name, email)).Commits + counts.Total, reason);
                continue;
            }

            int counted = rules.CountMerges ? counts.Total : counts.NonMerges;
            mergeCommits += counts.Total - counted;
            if (counted == 0)
            {
                continue;
            }

            string person = Key(rules.Mode, name, email, project);
            commits[person] = commits.GetValueOrDefault(person) + counted;
            var votes = nameVotes.TryGetValue(person, out var v) ? v : nameVotes[person] = new(StringComparer.Ordinal);
            votes[name] = votes.GetValueOrDefault(name) + counted;
        }

        var displayNames = nameVotes.ToDictionary(
            p => p.Key,
            p => p.Value.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).First().Key,
            StringComparer.Ordinal);
        var excluded = bots
            .Select(b => new ExcludedAuthor(b.Key.Name, b.Key.Email, b.Value.Commits, b.Value.Reason))
            .OrderByDescending(b => b.Commits).ThenBy(b => b.Name, StringComparer.Ordinal).ThenBy(b => b.Email, StringComparer.Ordinal)
            .ToList();
        return new ProjectAuthors(project, commits, displayNames, botCommits, mergeCommits, excluded);
    }

    /// <summary>The identity key an author record is counted under in <paramref name="project"/> (before person joins),
    /// or null for a bot's.</summary>
    public static string? PersonOf(string record, IdentityRules rules, string project)
    {
        if (rules.Mode == IdentityMode.OssrelName)
        {
            return ByteText.CollapseWhitespace(record);
        }

        var (name, email) = Split(record);
        return rules.Bots is not null && rules.Bots.IsBot(name, email) ? null : Key(rules.Mode, name, email, project);
    }

    // A raw record's name and e-mail as shown and compared: decoded, trimmed.
    private static (string Name, string Email) Split(string record)
    {
        int separator = record.IndexOf((char)FieldSeparator, StringComparison.Ordinal);
        return (ByteText.Display(separator < 0 ? record : record[..separator]).Trim(), separator < 0 ? "" : ByteText.Display(record[(separator + 1)..]).Trim());
    }

    /// <summary>
    /// The identity key of an author under <paramref name="mode"/>. By address (email, person), an address that
    /// identifies nobody (<see cref="Placeholders.IsPlaceholderAddress"/>: "unknown", root@localhost, none@none) keys the
    /// author by name within <paramref name="project"/> alone: sixty people behind "unknown" are not one developer, and
    /// such an identity is never joined to another nor shared by two projects.
    /// </summary>
    public static string Key(IdentityMode mode, string name, string email, string project)
    {
        string lowerName = name.Trim().ToLowerInvariant();
        string lowerEmail = GitHubNoReply(email.Trim().ToLowerInvariant());
        return mode switch
        {
            IdentityMode.Email or IdentityMode.Person when Placeholders.IsPlaceholderAddress(lowerEmail) => Placeholders.Key(lowerName, lowerEmail, project),
            IdentityMode.Email or IdentityMode.Person => lowerEmail,
            IdentityMode.Name => lowerName,
            IdentityMode.NameEmail => $"{lowerName} <{lowerEmail}>",
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "ossrel names are keyed by Resolve itself"),
        };
    }

    // GitHub's no-reply address comes in two forms for one account, "123+ann@users.noreply.github.com" (since 2017) and
    // "ann@users.noreply.github.com": the same person, so one key.
    private static string GitHubNoReply(string email)
    {
        const string Domain = "@users.noreply.github.com";
        int plus = email.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 && email.EndsWith(Domain, StringComparison.Ordinal) && email.AsSpan(0, plus).IndexOfAnyExceptInRange('0', '9') < 0
            ? email[(plus + 1)..]
            : email;
    }

    /// <summary>A project read from an ossrel ranking file: names and counts as matrix.py saw them.</summary>
    public static ProjectAuthors FromRanking(string project, IReadOnlyDictionary<string, int> ranking) =>
        new(project, ranking, ranking.Keys.ToDictionary(k => k, ByteText.Display, StringComparer.Ordinal), 0, 0, []);
}

/// <summary>Names as git and the 2013 pipeline handle them: bytes, held here as Latin-1 strings (one char per byte).</summary>
public static class ByteText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>git's own isspace (space, tab, newline, carriage return; not \v or \f), as it trims names and e-mails.</summary>
    public static bool IsGitSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    /// <summary>Python 2 <c>' '.join(s.split())</c> on bytes: runs of ASCII whitespace become one space, ends trimmed.</summary>
    public static string CollapseWhitespace(string bytes)
    {
        var builder = new StringBuilder(bytes.Length);
        foreach (var token in bytes.Split(PythonWhitespace, StringSplitOptions.RemoveEmptyEntries))
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(token);
        }

        return builder.ToString();
    }

    // The ASCII whitespace of Python 2's str.split().
    private static readonly char[] PythonWhitespace = [' ', '\t', '\n', '\v', '\f', '\r'];

    /// <summary>Readable text for a byte string: UTF-8 when it is valid UTF-8, else Latin-1 (as 2013-era tools wrote it).</summary>
    public static string Display(string bytes)
    {
        if (Ascii.IsValid(bytes))
        {
            return bytes;
        }

        byte[] raw = Encoding.Latin1.GetBytes(bytes);
        try
        {
            return StrictUtf8.GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            return bytes;
        }
    }
}
