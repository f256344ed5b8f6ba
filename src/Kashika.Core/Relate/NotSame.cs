using Kashika.Core.Common;

namespace Kashika.Core.Relate;

/// <summary>
/// A veto of <c>--not-same FILE</c>: <see cref="Address"/> is not the person behind <see cref="Other"/>, an address
/// (lower-cased) or a name. Applied after every automatic join: no person ever holds both.
/// </summary>
public sealed record NotSame(string Address, string Other)
{
    public bool OtherIsAddress => Other.Contains('@', StringComparison.Ordinal);

    /// <summary>Reads a veto file: one veto a line, two addresses ("a@x.org b@y.org", with or without &lt;&gt;) or an
    /// address and a name ("rich@annexia.org Richard W.M. Jones"); '#' starts a comment.</summary>
    /// <exception cref="InputException">A line that is neither, naming the file and line.</exception>
    public static IReadOnlyList<NotSame> Parse(string text, string source)
    {
        var vetoes = new List<NotSame>();
        string[] lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n];
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            line = (hash >= 0 ? line[..hash] : line).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var addresses = new List<string>();
            var words = new List<string>();
            foreach (string token in line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                string bare = token.Trim('<', '>', ',');
                (bare.Contains('@', StringComparison.Ordinal) ? addresses : words).Add(bare);
            }

            string name = string.Join(' ', words);
            if (addresses.Count == 2 && name.Length == 0)
            {
                vetoes.Add(new NotSame(addresses[0].ToLowerInvariant(), addresses[1].ToLowerInvariant()));
            }
            else if (addresses.Count == 1 && name.Length > 0)
            {
                vetoes.Add(new NotSame(addresses[0].ToLowerInvariant(), name));
            }
            else
            {
                throw InputException.At(source, n + 1, $"'{line}' is not two addresses, nor an address and a name (these are different people)");
            }
        }

        return vetoes;
    }
}
