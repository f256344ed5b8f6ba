using System.Globalization;
using System.Text;
using Kashika.Core.Common;

namespace Kashika.Core.Relate;

/// <summary>
/// Reads the ranking files of the 2013 pipeline (<c>git log --pretty=format:%an | sort | uniq -c | sort</c>) as its
/// matrix.py did: a line is split on ASCII whitespace, the first token is the count, the rest joined by one space is the
/// name, and a later line of the same name replaces an earlier one.
/// </summary>
public static class OssrelRanking
{
    /// <returns>Commits per name; names are byte strings held as Latin-1 (see <see cref="ByteText"/>).</returns>
    public static Dictionary<string, int> Parse(Stream input, string source)
    {
        var ranking = new Dictionary<string, int>(StringComparer.Ordinal);
        long lineNumber = 0;
        ByteLines.Read(input, line =>
        {
            lineNumber++;
            // Latin-1 keeps every byte, so names that are not UTF-8 stay distinct exactly as in Python 2.
            string collapsed = ByteText.CollapseWhitespace(Encoding.Latin1.GetString(line));
            if (collapsed.Length == 0)
            {
                throw InputException.At(source, lineNumber, "empty line; expected '<count> <author>' as written by uniq -c");
            }

            int space = collapsed.IndexOf(' ', StringComparison.Ordinal);
            string countText = space < 0 ? collapsed : collapsed[..space];
            if (!int.TryParse(countText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int count) || count < 0)
            {
                throw InputException.At(
                    source, lineNumber, $"'{ByteText.Display(countText)}' is not a commit count; expected '<count> <author>' as written by uniq -c");
            }

            ranking[space < 0 ? "" : collapsed[(space + 1)..]] = count;
        });
        return ranking;
    }
}
