namespace Kashika.Core.Relate;

/// <summary>
/// git's mailmap, to map (name, e-mail) as <c>%aN</c>/<c>%aE</c> do: entries are found by e-mail and then, where the
/// entry has names under it, by name, both compared with ASCII case folded (git's strcasecmp under LC_ALL=C); a later
/// line for the same key wins. Bytes are held as Latin-1 strings (one char per byte), as <see cref="AuthorTally"/> does.
/// </summary>
public sealed class Mailmap
{
    private readonly Dictionary<string, Entry> byEmail = new(StringComparer.Ordinal);

    private sealed class Entry
    {
        public string? Name { get; set; }

        public string? Email { get; set; }

        public Dictionary<string, (string? Name, string? Email)> ByName { get; } = new(StringComparer.Ordinal);
    }

    // Each text added, by kind and SHA-256, in order: what the mailmap is made of.
    private readonly List<string> sources = [];

    public bool IsEmpty => byEmail.Count == 0;

    /// <summary>What the mailmap was made of (each text added, its kind and digest, in order): two mailmaps made of the
    /// same texts map alike (a report cache keys on it).</summary>
    public string Digest => string.Join(' ', sources);

    /// <summary>Adds the lines of a mailmap held in a blob (git reads a blob's lines whole).</summary>
    public void AddBlob(ReadOnlySpan<byte> text)
    {
        sources.Add("blob:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(text)));
        foreach (var line in text.Split((byte)'\n'))
        {
            AddLine(text[line]);
        }
    }

    /// <summary>Adds the lines of a mailmap file, as git reads a file: with fgets into 1,024 bytes, so a longer line is
    /// read as several.</summary>
    public void AddFile(ReadOnlySpan<byte> text)
    {
        sources.Add("file:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(text)));
        const int Buffer = 1023;
        while (!text.IsEmpty)
        {
            // The newline is looked for within the piece fgets would read, not the whole rest: a 50 MB line is read in
            // linear time.
            int newline = text[..Math.Min(text.Length, Buffer)].IndexOf((byte)'\n');
            int taken = newline < 0 ? Math.Min(text.Length, Buffer) : newline + 1;
            AddLine(text[..taken]);
            text = text[taken..];
        }
    }

    private void AddLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[0] == (byte)'#')
        {
            return;
        }

        if (!NameAndEmail(line, allowEmptyEmail: false, out string? name1, out string? email1, out int rest))
        {
            return;
        }

        string? name2 = null, email2 = null;
        if (rest < line.Length)
        {
            NameAndEmail(line[rest..], allowEmptyEmail: true, out name2, out email2, out _);
        }

        Add(name1, email1!, name2, email2);
    }

    // git's parse_name_and_email: the name before '<' (trimmed; none when empty), the e-mail up to the next '>'.
    private static bool NameAndEmail(ReadOnlySpan<byte> text, bool allowEmptyEmail, out string? name, out string? email, out int rest)
    {
        name = email = null;
        rest = text.Length;
        int left = text.IndexOf((byte)'<');
        if (left < 0)
        {
            return false;
        }

        int right = text[(left + 1)..].IndexOf((byte)'>');
        if (right < 0)
        {
            return false;
        }

        right += left + 1;
        if (!allowEmptyEmail && right == left + 1)
        {
            return false;
        }

        var before = text[..left];
        int start = 0;
        while (start < before.Length && ByteText.IsGitSpace(before[start]))
        {
            start++;
        }

        int end = before.Length;
        while (end > start && ByteText.IsGitSpace(before[end - 1]))
        {
            end--;
        }

        name = end > start ? Latin1(before[start..end]) : null;
        email = Latin1(text[(left + 1)..right]);
        rest = right + 1;
        return true;
    }

    // git's add_mapping.
    private void Add(string? newName, string newEmail, string? oldName, string? oldEmail)
    {
        string? replacementEmail = newEmail;
        if (oldEmail is null)
        {
            oldEmail = newEmail;
            replacementEmail = null;
        }

        string key = Fold(oldEmail);
        if (!byEmail.TryGetValue(key, out var entry))
        {
            byEmail[key] = entry = new Entry();
        }

        if (oldName is null)
        {
            if (newName is not null)
            {
                entry.Name = newName;
            }

            if (replacementEmail is not null)
            {
                entry.Email = replacementEmail;
            }
        }
        else
        {
            entry.ByName[Fold(oldName)] = (newName, replacementEmail);
        }
    }

    /// <summary>The name and e-mail git shows for an author (Latin-1 strings of the raw bytes).</summary>
    public (string Name, string Email) Map(string name, string email)
    {
        if (!byEmail.TryGetValue(Fold(email), out var entry))
        {
            return (name, email);
        }

        (string? Name, string? Email) found = (entry.Name, entry.Email);
        if (entry.ByName.Count > 0 && entry.ByName.TryGetValue(Fold(name), out var byName))
        {
            found = byName;
        }

        return (found.Name ?? name, found.Email ?? email);
    }

    private static string Latin1(ReadOnlySpan<byte> bytes) => System.Text.Encoding.Latin1.GetString(bytes);

    private static string Fold(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            span[i] = c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
        }
    });
}
