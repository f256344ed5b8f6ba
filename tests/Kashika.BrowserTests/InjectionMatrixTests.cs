using System.Text;
using System.Text.Json;
using Kashika.Testing;

namespace Kashika.BrowserTests;

/// <summary>
/// Hostile names through every report: function names in trace pages and JSON, author names in relate's page and
/// JSON, device names in the iostat page. Nothing runs, every page draws, and the text reads back as given.
/// </summary>
public sealed class InjectionMatrixTests : PageTest
{
    private static readonly string[] Names =
    [
        "</script><script>alert(1)</script>", "<!--", "-->", "<img src=x onerror=alert(2)>", "a\u2028b\u2029c", "x\u202Eevil.exe",
        "\"quoted\" 'single' `back`", "&amp; &lt;", "{{constructor.constructor('alert(3)')()}}", new string('W', 10_000), "名前 🔥",
    ];

    [Fact]
    public async Task Trace_pages_and_json()
    {
        // Every name a frame, and bytes that are not UTF-8 (read as Latin-1 by perf's tools, so shown as such).
        var folded = new StringBuilder();
        for (int i = 0; i < Names.Length; i++)
        {
            folded.Append(CultureInvariant($"main;{Names[i].Replace(';', ',')};leaf{i} {i + 1}\n"));
        }

        File.WriteAllBytes(Dir.Combine("hostile.txt"), [.. Encoding.UTF8.GetBytes(folded.ToString()), .. "main;\xED\xA0\x80lone 2\n"u8.ToArray()]);
        KashikaProcess.Succeed(Dir.Path, "trace", "hostile.txt", "-o", "trace.html");
        var json = KashikaProcess.Run(Dir.Path, "trace", "collapse", "hostile.txt", "--format", "json");
        Assert.Equal(0, json.ExitCode);
        using (var parsed = JsonDocument.Parse(json.StandardOutput))
        {
            string all = string.Join('\n', Strings(parsed.RootElement));
            // Frame names are bytes: valid UTF-8 reads back as the text, anything else as Latin-1.
            Assert.All(Names.Select(n => n.Replace(';', ',')), n => Assert.True(all.Contains(n, StringComparison.Ordinal) || all.Contains(Latin1(n), StringComparison.Ordinal), n));
        }

        // speedscope's file and the 2013 page's trace_json (a script: JSON after "var trace_json = ") read back as given.
        foreach (string format in new[] { "speedscope", "d3trace" })
        {
            var run = KashikaProcess.Run(Dir.Path, "trace", "collapse", "hostile.txt", "--format", format);
            Assert.Equal(0, run.ExitCode);
            string text = format == "d3trace" ? Script(run.StandardOutput, "var trace_json = ") : run.StandardOutput;
            using var parsed = JsonDocument.Parse(text);
            string all = string.Join('\n', Strings(parsed.RootElement));
            Assert.All(Names.Select(n => n.Replace(';', ',')), n => Assert.True(all.Contains(n, StringComparison.Ordinal) || all.Contains(Latin1(n), StringComparison.Ordinal), $"{format}: {n}"));
        }

        var report = await Browser.OpenAsync(Dir.Combine("trace.html"));
        await report.Page.WaitForSelectorAsync("body[data-ready]");
        await Inert(report);
    }

    [Fact]
    public async Task Relate_project_names_through_every_format()
    {
        // A project is named after its folder: any bytes but '/' (and NUL), so control characters too; 200 characters
        // stand in for the long name (a folder name holds at most 255 bytes).
        var names = Names.Select(n => n.Replace('/', '|')).Select(n => n.Length > 200 ? n[..200] : n).Append("ctl\u0001\u001b[31m\u007f").ToArray();
        var folders = new List<string>();
        for (int i = 0; i < names.Length; i++)
        {
            var repo = Dir.Repo(names[i]);
            repo.Commits("Shared Dev", "shared@example.org", i + 1);
            repo.Commits($"Own Dev {i}", $"own{i}@example.org", 1);
            folders.Add(names[i]);
        }

        KashikaProcess.Succeed(Dir.Path, ["relate", "-o", "relate.html", "--", .. folders]);
        foreach (string format in new[] { "json", "graphml", "gexf" })
        {
            var run = KashikaProcess.Run(Dir.Path, ["relate", "--format", format, "--", .. folders]);
            Assert.Equal(0, run.ExitCode);
            var read = format == "json" ? Strings(JsonDocument.Parse(run.StandardOutput).RootElement).ToList() : XmlStrings(run.StandardOutput);
            string all = string.Join('\n', read);
            // XML 1.0 cannot hold C0 controls but tab, newline and return, even escaped: those become U+FFFD.
            Assert.All(names, n => Assert.Contains(format == "json" ? n : XmlVisible(n), all, StringComparison.Ordinal));
        }

        var report = await Browser.OpenAsync(Dir.Combine("relate.html"));
        await report.Page.WaitForSelectorAsync("svg");
        await Inert(report);
        string page = await report.Page.Locator("svg").First.TextContentAsync() ?? "";
        Assert.Contains(names[0], page + await report.Page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
    }

    private static string Script(string text, string prefix)
    {
        Assert.StartsWith(prefix, text, StringComparison.Ordinal);
        return text[prefix.Length..].TrimEnd().TrimEnd(';');
    }

    // Every attribute value and text of an XML document, read strictly (no DTD, XML 1.0 characters only).
    private static List<string> XmlStrings(string xml)
    {
        var values = new List<string>();
        using var reader = System.Xml.XmlReader.Create(new StringReader(xml), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit, CheckCharacters = true });
        while (reader.Read())
        {
            if (reader.NodeType == System.Xml.XmlNodeType.Text)
            {
                values.Add(reader.Value);
            }

            while (reader.MoveToNextAttribute())
            {
                values.Add(reader.Value);
            }
        }

        return values;
    }

    private static string XmlVisible(string name) =>
        string.Concat(name.Select(c => c < ' ' && c is not '\t' and not '\n' and not '\r' ? '\uFFFD' : c));

    [Fact]
    public async Task Relate_pages_and_json()
    {
        // git keeps any name but '<', '>' and newlines (it drops them from idents).
        var names = Names.Select(n => n.Replace("<", "", StringComparison.Ordinal).Replace(">", "", StringComparison.Ordinal)).ToArray();
        var a = Dir.Repo("a");
        var b = Dir.Repo("b");
        for (int i = 0; i < names.Length; i++)
        {
            a.Commits(names[i], $"dev{i}@example.org", 2);
            b.Commits(names[i], $"dev{i}@example.org", 1);
        }

        // As git keeps them: it trims quotes and some punctuation from the ends of a name.
        names = a.Git("log", "--format=%an").Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
        Assert.Equal(Names.Length, names.Length);
        KashikaProcess.Succeed(Dir.Path, "relate", "a", "b", "-o", "relate.html");
        var json = KashikaProcess.Run(Dir.Path, "relate", "a", "b", "--format", "json");
        Assert.Equal(0, json.ExitCode);
        using (var parsed = JsonDocument.Parse(json.StandardOutput))
        {
            string all = string.Join('\n', Strings(parsed.RootElement));
            Assert.All(names.Where(n => n.Trim().Length > 0), n => Assert.Contains(n.Trim(), all, StringComparison.Ordinal));
        }

        var report = await Browser.OpenAsync(Dir.Combine("relate.html"));
        await report.Page.WaitForSelectorAsync("svg");
        await Inert(report);
    }

    // Nothing executed (no dialog, no error, no image or frame element made from a name), and the page is not empty.
    private static async Task Inert(ReportPage report)
    {
        await report.Page.WaitForTimeoutAsync(300);
        Assert.Equal(0, await report.Page.Locator("img, iframe, object, embed").CountAsync());
        Assert.True(await report.Page.Locator("svg").CountAsync() > 0);
        Assert.Empty(report.Errors);
    }

    // The folded reader takes bytes as Latin-1 (as perf's own scripts do, so any byte reads back as itself).
    private static string Latin1(string name) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(name));

    // Every string value of a JSON document, decoded.
    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value).Append(p.Name)),
        _ => [],
    };

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
