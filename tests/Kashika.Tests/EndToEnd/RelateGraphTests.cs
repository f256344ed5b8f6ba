using System.Diagnostics;
using System.Text.Json;
using System.Xml;
using System.Xml.Schema;
using Kashika.Testing;

namespace Kashika.Tests.EndToEnd;

/// <summary>--format graphml and gexf: valid against the published schema, loaded by networkx, hostile names escaped.</summary>
public sealed class RelateGraphTests : IDisposable
{
    private const string HostileProject = "a<b>&\"c'\u0001d";
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    // Three rankings: alpha–beta share Ann (5/2) and Bob (3/4): Σ min 5; beta and the hostile project share José (6/1).
    private string Rankings()
    {
        string folder = dir.Combine("ranking");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "alpha"), "      5 Ann\n      3 Bob\n");
        File.WriteAllText(Path.Combine(folder, "beta"), "      2 Ann\n      4 Bob\n      6 José <x@y>\n");
        File.WriteAllText(Path.Combine(folder, HostileProject), "      1 José <x@y>\n      2 Eve\n");
        return folder;
    }

    private string Write(string format, params string[] arguments)
    {
        string file = dir.Combine($"out.{format}");
        KashikaProcess.Succeed(dir.Path, ["relate", "-f", format, "-o", file, .. arguments]);
        return file;
    }

    [Fact]
    public void Gexf_static_and_dynamic_are_valid_gexf_1_3()
    {
        string folder = Rankings();
        Validate(Write("gexf", "--from-ranking", folder));
        dir.Repo("early").Commits("Kim", "kim@example.org", 31).Commits("Lee", "lee@example.org", 10);
        dir.Repo("late").Commits("Lee", "lee@example.org", 45);
        string dynamic = Write("gexf", "--by", "month", "early", "late");
        Validate(dynamic);
        var xml = new XmlDocument();
        xml.Load(dynamic);
        var ns = new XmlNamespaceManager(xml.NameTable);
        ns.AddNamespace("g", "http://gexf.net/1.3");
        Assert.Equal("dynamic", xml.SelectSingleNode("//g:graph/@mode", ns)!.Value);
        // Lee is shared in February only: one spell, 2020-02-01 to 2020-02-29, value √10.
        var spell = Assert.Single(xml.SelectNodes("//g:edge/g:spells/g:spell", ns)!.Cast<XmlElement>());
        Assert.Equal(("2020-02-01", "2020-02-29"), (spell.GetAttribute("start"), spell.GetAttribute("end")));
        Assert.Equal(Math.Sqrt(10).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ((XmlElement)xml.SelectSingleNode("//g:edge/g:attvalues/g:attvalue[@for='value']", ns)!).GetAttribute("value"));
    }

    [Fact]
    public void Gexf_keeps_every_edge_of_graphml_with_and_without_periods()
    {
        // Ann works on x in January and on y in February: x and y are related over the whole history, in no one month.
        dir.Repo("x").Commits("Ann", "ann@example.org", 5);
        dir.Repo("y").Commits("Bob", "bob@example.org", 40).Commits("Ann", "ann@example.org", 5);
        dir.Repo("z").Commits("Kim", "kim@example.org", 3).Commits("Bob", "bob@example.org", 2);
        var ns = new XmlNamespaceManager(new NameTable());
        ns.AddNamespace("g", "http://gexf.net/1.3");
        ns.AddNamespace("m", "http://graphml.graphdrawing.org/xmlns");
        int Count(string file, string xpath)
        {
            var xml = new XmlDocument();
            xml.Load(file);
            return xml.SelectNodes(xpath, ns)!.Count;
        }

        int graphml = Count(Write("graphml", "x", "y", "z"), "//m:edge");
        Assert.Equal(2, graphml); // x–y (Ann), y–z (Bob)
        Assert.Equal(graphml, Count(Write("gexf", "x", "y", "z"), "//g:edge"));
        string dynamic = Write("gexf", "--by", "month", "x", "y", "z");
        Validate(dynamic);
        Assert.Equal(graphml, Count(dynamic, "//g:edge"));
        Assert.Equal(1, Count(dynamic, "//g:edge[not(g:spells)]")); // x–y: for the whole time line, its whole-history weight
    }

    [Fact]
    public void Networkx_reads_both_with_the_reports_nodes_edges_and_weights()
    {
        string folder = Rankings();
        string graphml = Write("graphml", "--from-ranking", folder);
        string gexf = Write("gexf", "--from-ranking", folder);
        var json = JsonDocument.Parse(KashikaProcess.Run(dir.Path, "relate", "-f", "json", "--from-ranking", folder).StandardOutput).RootElement;
        string Expected(string prefix) => string.Join('\n', json.GetProperty("pairs").EnumerateArray()
            .Select(p => $"{prefix}{p.GetProperty("a").GetInt32()} {prefix}{p.GetProperty("b").GetInt32()} {Kashika.Reports.PythonFloat.Repr(p.GetProperty("value").GetDouble())} {p.GetProperty("sumMin").GetInt64()} {p.GetProperty("shared").GetArrayLength()}"));
        string names = string.Join('|', json.GetProperty("projects").EnumerateArray().Select(p => p.GetString()!.Replace('\u0001', '\uFFFD')));
        Assert.Equal(HostileProject, json.GetProperty("projects")[0].GetString()); // '<' sorts before letters
        string script = """
            import sys, networkx as nx
            kind, path = sys.argv[1], sys.argv[2]
            g = nx.read_graphml(path) if kind == "graphml" else nx.read_gexf(path, version="1.3")
            print(g.number_of_nodes(), g.number_of_edges())
            label = "label"
            print("|".join(g.nodes[n][label] for n in sorted(g.nodes)))
            for a, b, d in sorted(g.edges(data=True)):
                print(a, b, repr(float(d["weight"])), d["sum_min"], d["shared_developers"])
            """;
        string fromGraphml = Python(script, "graphml", graphml);
        Assert.Equal($"3 2\n{names}\n{Expected("n")}\n", fromGraphml);
        string fromGexf = Python(script, "gexf", gexf);
        Assert.Equal($"3 2\n{names}\n{Expected("")}\n", fromGexf);
    }

    [Fact]
    public void A_report_that_keeps_each_projects_strongest_pairs_says_so_and_its_graphs_carry_communities()
    {
        // Two groups of four projects (people shared within a group), and one person in all of them.
        string folder = dir.Combine("eco");
        Directory.CreateDirectory(folder);
        for (int p = 0; p < 8; p++)
        {
            string group = p < 4 ? "Ann" : "Kim";
            File.WriteAllText(Path.Combine(folder, $"p{p}"), $"     {10 + p} {group}\n      {1 + p} Zed\n      {2 + (p % 4)} {group}2\n      3 Own{p}\n");
        }

        var run = KashikaProcess.Run(dir.Path, "relate", "-f", "json", "--top", "2", "--from-ranking", folder);
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("8 projects: kept each project's 2 strongest pairs, ", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(" of the 28 pairs that share developers, with their developers (every pair: --format csv)", run.StandardError, StringComparison.Ordinal);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.False(json.TryGetProperty("matrix", out _));
        var sparse = json.GetProperty("sparse");
        Assert.Equal(2, sparse.GetProperty("top").GetInt32());
        Assert.Equal(28, sparse.GetProperty("allPairs").GetInt64());
        Assert.Equal(json.GetProperty("pairs").GetArrayLength(), sparse.GetProperty("keptPairs").GetInt32());
        Assert.Contains(json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("strongest pairs", StringComparison.Ordinal));
        var communities = sparse.GetProperty("communities").EnumerateArray().Select(c => c.GetInt32()).ToList();
        Assert.Equal(2, communities.Distinct().Count());
        Assert.Single(communities.Take(4).Distinct());
        Assert.Single(communities.Skip(4).Distinct());
        Assert.All(sparse.GetProperty("neighbours").EnumerateArray(), n => Assert.Equal(2, n.GetArrayLength()));
        Assert.All(sparse.GetProperty("positions").EnumerateArray(), p => Assert.Equal(2, p.GetArrayLength()));
        Assert.Equal(8, sparse.GetProperty("positions").GetArrayLength());

        // The chord page draws every pair whatever is asked of the others; the network page keeps the strongest.
        KashikaProcess.Succeed(dir.Path, "relate", "--view", "chord", "--top", "2", "--from-ranking", folder, "-o", "chord.html");
        KashikaProcess.Succeed(dir.Path, "relate", "--view", "network", "--from-ranking", folder, "-o", "network.html");
        string chord = File.ReadAllText(dir.Combine("chord.html")), network = File.ReadAllText(dir.Combine("network.html"));
        Assert.Contains("\"matrix\":", chord, StringComparison.Ordinal);
        Assert.DoesNotContain("\"sparse\":", chord, StringComparison.Ordinal);
        Assert.Contains("\"sparse\":", network, StringComparison.Ordinal);
        Assert.DoesNotContain("\"matrix\":", network, StringComparison.Ordinal);

        // Every pair with csv: the matrix format never drops one.
        var csv = KashikaProcess.Run(dir.Path, "relate", "-f", "csv", "--top", "2", "--from-ranking", folder);
        Assert.DoesNotContain("strongest", csv.StandardError, StringComparison.Ordinal);
        Assert.Equal(9, csv.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        string gexf = Write("gexf", "--top", "2", "--from-ranking", folder);
        Validate(gexf);
        string graphml = Write("graphml", "--top", "2", "--from-ranking", folder);
        string script = """
            import sys, networkx as nx
            kind, path = sys.argv[1], sys.argv[2]
            g = nx.read_graphml(path) if kind == "graphml" else nx.read_gexf(path, version="1.3")
            print(" ".join(str(g.nodes[n]["community"]) for n in sorted(g.nodes, key=lambda n: int(n.lstrip("n")))))
            """;
        string expected = string.Join(' ', communities) + "\n";
        Assert.Equal(expected, Python(script, "gexf", gexf));
        Assert.Equal(expected, Python(script, "graphml", graphml));
    }

    private static void Validate(string file)
    {
        var schemas = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        schemas.Add("http://gexf.net/1.3", Path.Combine(Paths.RepositoryRoot, "tests", "Kashika.Tests", "Schemas", "gexf-1.3", "gexf.xsd"));
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity}: {e.Message} (line {e.Exception?.LineNumber})");
        using (var reader = XmlReader.Create(file, settings))
        {
            while (reader.Read())
            {
            }
        }

        Assert.Empty(errors);
    }

    private static string Python(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONIOENCODING"] = "utf-8";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Requirements.Missing("python3 is not installed (apt-get install python3-networkx)");
            return "";
        }

        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (error.Contains("No module named 'networkx'", StringComparison.Ordinal))
        {
            Requirements.Missing("networkx is not installed (apt-get install python3-networkx)");
        }

        Assert.True(process.ExitCode == 0, error);
        return output;
    }
}
