using System.Globalization;
using System.Text;
using System.Xml;
using Kashika.Core.Relate;

namespace Kashika.Reports.Relate;

/// <summary>
/// The relate graph for the tools people already use (Gephi, Cytoscape, networkx, yEd): projects as nodes (commits,
/// developers), related pairs as weighted undirected edges (the metric as weight, Σ min commits, shared developers).
/// Written with <see cref="XmlWriter"/>, which escapes every name; characters XML 1.0 cannot hold become U+FFFD.
/// </summary>
public static class RelateGraphFormats
{
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(false),
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        CloseOutput = false,
    };

    /// <summary>GraphML 1.0: the whole history (GraphML has no time; with --by use GEXF).</summary>
    public sealed class GraphMl : IReportFormat<RelateDocument>
    {
        private const string Ns = "http://graphml.graphdrawing.org/xmlns";

        public string Name => "graphml";

        public string? DefaultFileName => null;

        public void Write(RelateDocument model, Stream output)
        {
            using var xml = XmlWriter.Create(output, Settings);
            xml.WriteStartDocument();
            xml.WriteStartElement("graphml", Ns);
            xml.WriteAttributeString("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance");
            xml.WriteAttributeString("xsi", "schemaLocation", null, $"{Ns} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd");
            Key(xml, "label", "node", "label", "string");
            Key(xml, "commits", "node", "commits", "long");
            Key(xml, "developers", "node", "developers", "int");
            if (model.Sparse is not null)
            {
                // A report of many projects: each node's community and its kept neighbours (node ids, strongest first).
                Key(xml, "community", "node", "community", "int");
                Key(xml, "neighbours", "node", "neighbours", "string");
            }

            Key(xml, "weight", "edge", "weight", "double");
            Key(xml, "sum_min", "edge", "sum_min", "long");
            Key(xml, "shared_developers", "edge", "shared_developers", "int");
            xml.WriteStartElement("graph", Ns);
            xml.WriteAttributeString("id", "relate");
            xml.WriteAttributeString("edgedefault", "undirected");
            for (int i = 0; i < model.ProjectDetails.Count; i++)
            {
                var project = model.ProjectDetails[i];
                xml.WriteStartElement("node", Ns);
                xml.WriteAttributeString("id", $"n{i}");
                Data(xml, "label", project.Name);
                Data(xml, "commits", Number(project.Commits));
                Data(xml, "developers", Number(project.Developers));
                if (model.Sparse is { } sparse)
                {
                    Data(xml, "community", Number(sparse.Communities[i]));
                    Data(xml, "neighbours", string.Join(' ', sparse.Neighbours[i].Select(b => $"n{b}")));
                }

                xml.WriteEndElement();
            }

            for (int e = 0; e < model.Pairs.Count; e++)
            {
                var pair = model.Pairs[e];
                xml.WriteStartElement("edge", Ns);
                xml.WriteAttributeString("id", $"e{e}");
                xml.WriteAttributeString("source", $"n{pair.A}");
                xml.WriteAttributeString("target", $"n{pair.B}");
                Data(xml, "weight", Number(pair.Value));
                Data(xml, "sum_min", Number(pair.SumMin));
                Data(xml, "shared_developers", Number(pair.Shared.Count));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        private static void Key(XmlWriter xml, string id, string domain, string name, string type)
        {
            xml.WriteStartElement("key", Ns);
            xml.WriteAttributeString("id", id);
            xml.WriteAttributeString("for", domain);
            xml.WriteAttributeString("attr.name", name);
            xml.WriteAttributeString("attr.type", type);
            xml.WriteEndElement();
        }

        private static void Data(XmlWriter xml, string key, string value)
        {
            xml.WriteStartElement("data", Ns);
            xml.WriteAttributeString("key", key);
            xml.WriteString(Clean(value));
            xml.WriteEndElement();
        }
    }

    /// <summary>GEXF 1.3: static, or with --by dynamic, each edge with a spell and its figures per period.</summary>
    public sealed class Gexf : IReportFormat<RelateDocument>
    {
        private const string Ns = "http://gexf.net/1.3";

        public string Name => "gexf";

        public string? DefaultFileName => null;

        public void Write(RelateDocument model, Stream output)
        {
            var periods = model.Periods ?? [];
            bool dynamic = periods.Count > 0;
            using var xml = XmlWriter.Create(output, Settings);
            xml.WriteStartDocument();
            xml.WriteStartElement("gexf", Ns);
            xml.WriteAttributeString("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance");
            xml.WriteAttributeString("xsi", "schemaLocation", null, $"{Ns} http://gexf.net/1.3/gexf.xsd");
            xml.WriteAttributeString("version", "1.3");
            xml.WriteStartElement("meta", Ns);
            xml.WriteElementString("creator", Ns, Clean(model.Generator));
            xml.WriteElementString("description", Ns, $"kashika relate: projects and the developers they share; edge value and weight: {model.Options.Metric}");
            xml.WriteEndElement();

            xml.WriteStartElement("graph", Ns);
            xml.WriteAttributeString("defaultedgetype", "undirected");
            xml.WriteAttributeString("mode", dynamic ? "dynamic" : "static");
            if (dynamic)
            {
                xml.WriteAttributeString("timeformat", "date");
            }

            Attributes(xml, "node", dynamic: false, model.Sparse is null
                ? [("commits", "commits", "long"), ("developers", "developers", "integer")]
                : [("commits", "commits", "long"), ("developers", "developers", "integer"), ("community", "community", "integer"), ("neighbours", "neighbours", "string")]);
            Attributes(xml, "edge", dynamic, ("value", "value", "double"), ("sum_min", "sum_min", "long"), ("shared", "shared_developers", "integer"));

            xml.WriteStartElement("nodes", Ns);
            for (int i = 0; i < model.ProjectDetails.Count; i++)
            {
                var project = model.ProjectDetails[i];
                xml.WriteStartElement("node", Ns);
                xml.WriteAttributeString("id", Number(i));
                xml.WriteAttributeString("label", Clean(project.Name));
                xml.WriteStartElement("attvalues", Ns);
                AttValue(xml, "commits", Number(project.Commits), null);
                AttValue(xml, "developers", Number(project.Developers), null);
                if (model.Sparse is { } sparse)
                {
                    AttValue(xml, "community", Number(sparse.Communities[i]), null);
                    AttValue(xml, "neighbours", string.Join(' ', sparse.Neighbours[i].Select(b => Number((long)b))), null);
                }

                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            xml.WriteEndElement();

            // With periods, each edge's figures in each period.
            var inPeriods = periods.Select(p => p.Pairs.ToDictionary(x => (x.A, x.B))).ToList();
            var whole = model.Pairs.ToDictionary(p => (p.A, p.B));
            // Every related pair is an edge, with its weight over the whole history (as in GraphML). Dynamic, an edge has a
            // spell for each period its pair shares someone; a pair related only across periods (one person in A in 2010
            // and in B in 2015) has none, and is there for the whole time line with its whole-history figures.
            var keys = whole.Keys.Concat(inPeriods.SelectMany(p => p.Keys)).Distinct().Order().ToList();
            xml.WriteStartElement("edges", Ns);
            for (int e = 0; e < keys.Count; e++)
            {
                var (a, b) = keys[e];
                xml.WriteStartElement("edge", Ns);
                xml.WriteAttributeString("id", Number(e));
                xml.WriteAttributeString("source", Number(a));
                xml.WriteAttributeString("target", Number(b));
                xml.WriteAttributeString("weight", Number(whole.TryGetValue((a, b), out var all) ? all.Value : 0));
                bool spells = dynamic && inPeriods.Any(p => p.ContainsKey((a, b)));
                xml.WriteStartElement("attvalues", Ns);
                if (!spells)
                {
                    AttValue(xml, "value", Number(all!.Value), null);
                    AttValue(xml, "sum_min", Number(all.SumMin), null);
                    AttValue(xml, "shared", Number(all.Shared.Count), null);
                }
                else
                {
                    for (int t = 0; t < periods.Count; t++)
                    {
                        if (inPeriods[t].TryGetValue((a, b), out var pair))
                        {
                            var span = Periods.Span(periods[t].Label);
                            AttValue(xml, "value", Number(pair.Value), span);
                            AttValue(xml, "sum_min", Number(pair.SumMin), span);
                            AttValue(xml, "shared", Number(pair.Shared.Count), span);
                        }
                    }
                }

                xml.WriteEndElement();
                if (spells)
                {
                    xml.WriteStartElement("spells", Ns);
                    for (int t = 0; t < periods.Count; t++)
                    {
                        if (inPeriods[t].ContainsKey((a, b)))
                        {
                            var (start, end) = Periods.Span(periods[t].Label);
                            xml.WriteStartElement("spell", Ns);
                            xml.WriteAttributeString("start", Date(start));
                            xml.WriteAttributeString("end", Date(end));
                            xml.WriteEndElement();
                        }
                    }

                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        private static void Attributes(XmlWriter xml, string domain, bool dynamic, params (string Id, string Title, string Type)[] attributes)
        {
            xml.WriteStartElement("attributes", Ns);
            xml.WriteAttributeString("class", domain);
            xml.WriteAttributeString("mode", dynamic ? "dynamic" : "static");
            foreach (var (id, title, type) in attributes)
            {
                xml.WriteStartElement("attribute", Ns);
                xml.WriteAttributeString("id", id);
                xml.WriteAttributeString("title", Clean(title));
                xml.WriteAttributeString("type", type);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        private static void AttValue(XmlWriter xml, string id, string value, (DateOnly Start, DateOnly End)? span)
        {
            xml.WriteStartElement("attvalue", Ns);
            xml.WriteAttributeString("for", id);
            xml.WriteAttributeString("value", value);
            if (span is var (start, end))
            {
                xml.WriteAttributeString("start", Date(start));
                xml.WriteAttributeString("end", Date(end));
            }

            xml.WriteEndElement();
        }

        private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    // Names are untrusted bytes: a character XML 1.0 cannot hold (a control character, a lone surrogate) becomes U+FFFD,
    // so the file stays well-formed instead of the writer failing half-way.
    private static string Clean(string text)
    {
        StringBuilder? clean = null;
        for (int i = 0; i < text.Length; i++)
        {
            bool pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            bool valid = pair || XmlConvert.IsXmlChar(text[i]);
            if (!valid && clean is null)
            {
                clean = new StringBuilder(text.Length).Append(text, 0, i);
            }

            if (clean is not null)
            {
                clean.Append(valid ? text.AsSpan(i, pair ? 2 : 1) : "\uFFFD");
            }

            i += pair ? 1 : 0;
        }

        return clean?.ToString() ?? text;
    }
}
