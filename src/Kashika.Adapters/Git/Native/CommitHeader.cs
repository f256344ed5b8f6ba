using System.Buffers.Text;
using Kashika.Core.Relate;

namespace Kashika.Adapters.Git.Native;

/// <summary>What relate reads of a commit's header, found as git finds it.</summary>
internal ref struct CommitHeader
{
    public ReadOnlySpan<byte> Author;
    public ReadOnlySpan<byte> Committer;
    public ReadOnlySpan<byte> Encoding;

    /// <summary>git's parse_commit_date: the committer line's date, read only when it follows the author line directly
    /// after the parents (0 otherwise), as the revision walk's --since/--until compare it.</summary>
    public long WalkDate;

    /// <summary>Reads a commit header; its parents (the "parent" lines right after "tree", as git takes them) are added
    /// to <paramref name="parents"/> when given. False when the object is no commit git would parse.</summary>
    public static bool Parse(ReadOnlySpan<byte> data, List<ObjectId>? parents, out CommitHeader header)
    {
        header = default;
        int end = data.IndexOf("\n\n"u8);
        var rest = end < 0 ? data : data[..(end + 1)];
        if (!rest.StartsWith("tree "u8) || rest.Length < 46 || rest[45] != (byte)'\n')
        {
            return false;
        }

        rest = rest[46..];
        while (rest.StartsWith("parent "u8))
        {
            if (rest.Length < 48 || rest[47] != (byte)'\n' || !ObjectId.TryParse(rest.Slice(7, 40), out var parent))
            {
                return false;
            }

            parents?.Add(parent);
            rest = rest[48..];
        }

        header.WalkDate = WalkDateOf(rest);

        // pretty.c's parse_commit_header: the last "author " and "committer " lines of the header count.
        var lines = rest;
        while (!lines.IsEmpty)
        {
            int newline = lines.IndexOf((byte)'\n');
            var line = newline < 0 ? lines : lines[..newline];
            if (line.StartsWith("author "u8))
            {
                header.Author = line[7..];
            }
            else if (line.StartsWith("committer "u8))
            {
                header.Committer = line[10..];
            }
            else if (line.StartsWith("encoding "u8) && header.Encoding.IsEmpty)
            {
                header.Encoding = line[9..];
            }

            lines = newline < 0 ? default : lines[(newline + 1)..];
        }

        return true;
    }

    private static long WalkDateOf(ReadOnlySpan<byte> rest)
    {
        if (!rest.StartsWith("author"u8))
        {
            return 0;
        }

        int newline = rest.IndexOf((byte)'\n');
        if (newline < 0)
        {
            return 0;
        }

        rest = rest[(newline + 1)..];
        if (!rest.StartsWith("committer"u8))
        {
            return 0;
        }

        int eol = rest.IndexOf((byte)'\n');
        if (eol < 0)
        {
            return 0;
        }

        int date = rest[..eol].LastIndexOf((byte)'>');
        if (date < 0)
        {
            return 0;
        }

        var digits = rest[(date + 1)..eol].TrimStart(" \t\r"u8);
        if (digits.IsEmpty || !(char.IsAsciiDigit((char)digits[0]) || digits[0] == (byte)'-'))
        {
            return 0;
        }

        // parse_timestamp: strtoumax, saturating on overflow.
        if (digits[0] == (byte)'-')
        {
            return 0;
        }

        long value = 0;
        foreach (byte b in digits)
        {
            if (!char.IsAsciiDigit((char)b))
            {
                break;
            }

            value = value > (long.MaxValue - 9) / 10 ? long.MaxValue : (value * 10) + (b - '0');
        }

        return value;
    }
}

/// <summary>An identity line ("Name &lt;e-mail&gt; 1234567890 +0100") split as git's split_ident_line splits it.</summary>
internal readonly ref struct Ident
{
    public readonly ReadOnlySpan<byte> Name;
    public readonly ReadOnlySpan<byte> Email;

    /// <summary>The time as %at/%ct print it, parsed; false when git prints none (no date and zone) or it overflows.</summary>
    public readonly bool HasTime;
    public readonly long Time;

    private Ident(ReadOnlySpan<byte> name, ReadOnlySpan<byte> email, bool hasTime, long time)
    {
        Name = name;
        Email = email;
        HasTime = hasTime;
        Time = time;
    }

    /// <summary>False for a line git cannot split (no '&lt;' or no '&gt;' after it).</summary>
    public static bool TrySplit(ReadOnlySpan<byte> line, out Ident ident)
    {
        ident = default;
        int open = line.IndexOf((byte)'<');
        if (open < 0)
        {
            return false;
        }

        int close = line[(open + 1)..].IndexOf((byte)'>');
        if (close < 0)
        {
            return false;
        }

        close += open + 1;
        int nameEnd = open;
        while (nameEnd > 0 && ByteText.IsGitSpace(line[nameEnd - 1]))
        {
            nameEnd--;
        }

        var name = line[..nameEnd];
        var email = line[(open + 1)..close];

        // The date follows the last '>' of the line, then a zone: without both, git shows no date.
        var after = line[(line.LastIndexOf((byte)'>') + 1)..];
        int d = 0;
        while (d < after.Length && ByteText.IsGitSpace(after[d]))
        {
            d++;
        }

        int digitsStart = d;
        while (d < after.Length && char.IsAsciiDigit((char)after[d]))
        {
            d++;
        }

        var digits = after[digitsStart..d];
        while (d < after.Length && ByteText.IsGitSpace(after[d]))
        {
            d++;
        }

        bool zone = d + 1 < after.Length && after[d] is (byte)'+' or (byte)'-' && char.IsAsciiDigit((char)after[d + 1]);
        long time = 0;
        bool hasTime = !digits.IsEmpty && zone && Utf8Parser.TryParse(digits, out time, out int used) && used == digits.Length;
        ident = new Ident(name, email, hasTime, hasTime ? time : 0);
        return true;
    }
}
