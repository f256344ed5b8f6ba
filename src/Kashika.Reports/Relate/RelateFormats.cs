using System.Globalization;
using System.Text;
using System.Text.Json;
using Kashika.Core.Relate;

namespace Kashika.Reports.Relate;

/// <summary>The formats of the relate report.</summary>
public static class RelateFormats
{
    public static IReadOnlyList<IReportFormat<RelateDocument>> All { get; } =
        [new HtmlFormat(), new JsonFormat(), new CsvFormat(), new OssrelJsFormat(), new RelateGraphFormats.GraphMl(), new RelateGraphFormats.Gexf()];

    private sealed class HtmlFormat : IReportFormat<RelateDocument>
    {
        public string Name => "html";

        public string? DefaultFileName => "relate.html";

        public void Write(RelateDocument model, Stream output) =>
            // Many projects (each keeping its strongest pairs): the network page; else the chord diagram of every pair.
            HtmlPage.Write(output, model.Sparse is null ? "relate" : "ecosystem", model, RelateJsonContext.Compact.RelateDocument);
    }

    private sealed class JsonFormat : IReportFormat<RelateDocument>
    {
        public string Name => "json";

        public string? DefaultFileName => null;

        public void Write(RelateDocument model, Stream output)
        {
            JsonSerializer.Serialize(output, model, RelateJsonContext.Indented.RelateDocument);
            output.WriteByte((byte)'\n');
        }
    }

    /// <summary>The metric matrix as a table: a header row of project names, then one row per project.</summary>
    private sealed class CsvFormat : IReportFormat<RelateDocument>
    {
        public string Name => "csv";

        public string? DefaultFileName => null;

        public void Write(RelateDocument model, Stream output)
        {
            using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            var matrix = model.Matrix ?? throw new InvalidOperationException("the matrix is written from a report of every pair, not a sparse one");
            writer.WriteLine(string.Join(',', model.Projects.Prepend("project").Select(Quote)));
            for (int i = 0; i < model.Projects.Count; i++)
            {
                writer.WriteLine(string.Join(',', matrix[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture)).Prepend(Quote(model.Projects[i]))));
            }
        }

        // RFC 4180, and a leading formula character is neutralised so that a spreadsheet shows a name, not a result.
        private static string Quote(string field)
        {
            if (field.Length > 0 && field[0] is '=' or '+' or '-' or '@')
            {
                field = "'" + field;
            }

            return field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
        }
    }

    /// <summary>
    /// <c>var matrix = [...]</c> exactly as ossrel's matrix.py printed it with Python 2: the diagonal is the integer 0, every
    /// other cell Python's float repr (integers for the integral metrics).
    /// </summary>
    private sealed class OssrelJsFormat : IReportFormat<RelateDocument>
    {
        public string Name => "ossrel-js";

        public string? DefaultFileName => null;

        public void Write(RelateDocument model, Stream output)
        {
            var matrix = model.Matrix ?? throw new InvalidOperationException("the matrix is written from a report of every pair, not a sparse one");
            var text = new StringBuilder("var matrix = [");
            for (int i = 0; i < matrix.Length; i++)
            {
                text.Append(i == 0 ? "[" : ", [");
                for (int j = 0; j < matrix[i].Length; j++)
                {
                    text.Append(j == 0 ? "" : ", ");
                    text.Append(i == j ? "0"
                        : model.Metric.IsIntegral() ? ((long)matrix[i][j]).ToString(CultureInfo.InvariantCulture)
                        : PythonFloat.Repr(matrix[i][j]));
                }

                text.Append(']');
            }

            text.Append("]\n");
            output.Write(Encoding.UTF8.GetBytes(text.ToString()));
        }
    }
}

/// <summary>The joins of --identity person as a .mailmap (--suggest-aliases).</summary>
public sealed class MailmapFormat : IReportFormat<IReadOnlyList<IdentityJoin>>
{
    public string Name => "mailmap";

    public string? DefaultFileName => null;

    public void Write(IReadOnlyList<IdentityJoin> model, Stream output)
    {
        byte[] text = System.Text.Encoding.UTF8.GetBytes(PersonJoins.Mailmap(model));
        output.Write(text);
    }
}
