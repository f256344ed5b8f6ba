using System.Text;
using System.Text.Json;
using Kashika.Core.Relate;
using Kashika.Core.Trace;

namespace Kashika.Reports.Trace;

/// <summary>The formats of <c>kashika trace collapse</c>, all written from one <see cref="CollapsedProfile"/>.</summary>
public static class TraceFormats
{
    public static IReadOnlyList<IReportFormat<CollapsedProfile>> All { get; } =
        [new FoldedFormat(), new TreeFormat(), new SpeedscopeFormat(), new D3TraceFormat(), Pprof.Format];

    // Frame names are input bytes; shown as UTF-8 where they are, else Latin-1, never dropped.
    private static string Display(string bytes) => ByteText.Display(bytes);

    /// <summary>"frame;frame;… count" per unique stack, in byte order: exactly stackcollapse-perf.pl's format.</summary>
    private sealed class FoldedFormat : IReportFormat<CollapsedProfile>
    {
        public string Name => "folded";

        public string? DefaultFileName => null;

        public void Write(CollapsedProfile model, Stream output)
        {
            // Flushed, not disposed: disposing would close the caller's stream (standard output).
            var buffered = new BufferedStream(output, 1 << 16);
            var number = new byte[24];
            var bytes = new byte[model.Frames.Count][]; // each frame's bytes made once, not once per stack it is in
            // Stacks of the same text (two programs' main: frames of one name in two modules) are one line, and are
            // next to each other in the folded order.
            int[]? line = null;
            long count = 0;
            foreach (var stack in model.Stacks)
            {
                if (line is not null && !SameText(model.Frames, line, stack.Frames))
                {
                    WriteLine(line, count);
                    count = 0;
                }

                line = stack.Frames;
                count += stack.Count;
            }

            if (line is not null)
            {
                WriteLine(line, count);
            }

            buffered.Flush();

            void WriteLine(int[] frames, long weight)
            {
                for (int i = 0; i < frames.Length; i++)
                {
                    if (i > 0)
                    {
                        buffered.WriteByte((byte)';');
                    }

                    int frame = frames[i];
                    buffered.Write(bytes[frame] ??= Encoding.Latin1.GetBytes(model.Frames.Text(frame)));
                }

                buffered.WriteByte((byte)' ');
                weight.TryFormat(number, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
                buffered.Write(number, 0, written);
                buffered.WriteByte((byte)'\n');
            }
        }
    }

    private static bool SameText(FrameTable frames, int[] a, int[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && !string.Equals(frames.Text(a[i]), frames.Text(b[i]), StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The call tree as d3-hierarchy reads it: {name, value, kind, children}; value is the node's total.</summary>
    private sealed class TreeFormat : IReportFormat<CollapsedProfile>
    {
        public string Name => "json";

        public string? DefaultFileName => null;

        public void Write(CollapsedProfile model, Stream output)
        {
            using var json = new Utf8JsonWriter(output, JsonOptions);
            var tree = CallTree.Build(model, skipRoots: 0);
            tree.Walk(
                node =>
                {
                    json.WriteStartObject();
                    json.WriteString("name", node == CallTree.Root ? "all" : Display(model.Frames.Text(tree.Frame(node))));
                    json.WriteNumber("value", tree.Total(node));
                    if (node != CallTree.Root)
                    {
                        json.WriteString("kind", model.Frames.Kind(tree.Frame(node)).ToString().ToLowerInvariant());
                    }

                    if (tree.FirstChild(node) > 0)
                    {
                        json.WriteStartArray("children");
                    }
                },
                node =>
                {
                    if (tree.FirstChild(node) > 0)
                    {
                        json.WriteEndArray();
                    }

                    json.WriteEndObject();
                });
            json.Flush();
            output.WriteByte((byte)'\n');
        }
    }

    /// <summary>A speedscope file: one sampled profile over a shared frame table (https://www.speedscope.app).</summary>
    private sealed class SpeedscopeFormat : IReportFormat<CollapsedProfile>
    {
        public string Name => "speedscope";

        public string? DefaultFileName => null;

        public void Write(CollapsedProfile model, Stream output)
        {
            using var json = new Utf8JsonWriter(output, JsonOptions);
            json.WriteStartObject();
            json.WriteString("$schema", "https://www.speedscope.app/file-format-schema.json");
            json.WriteString("exporter", "kashika");
            json.WriteString("name", "kashika trace");
            json.WriteNumber("activeProfileIndex", 0);
            json.WriteStartObject("shared");
            json.WriteStartArray("frames");
            for (int i = 0; i < model.Frames.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("name", Display(model.Frames.Text(i)));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("profiles");
            json.WriteStartObject();
            json.WriteString("type", "sampled");
            json.WriteString("name", "kashika trace");
            json.WriteString("unit", "none");
            json.WriteNumber("startValue", 0);
            json.WriteNumber("endValue", model.Total);
            json.WriteStartArray("samples");
            foreach (var stack in model.Stacks)
            {
                json.WriteStartArray();
                foreach (int frame in stack.Frames)
                {
                    json.WriteNumberValue(frame);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("weights");
            foreach (var stack in model.Stacks)
            {
                json.WriteNumberValue(stack.Count);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            output.WriteByte((byte)'\n');
        }
    }

    /// <summary>
    /// <c>var trace_json = {…}</c> as the 2013 d3js_trace page reads it: a tree from "All" through the frames (without the
    /// process name, as the original), leaves carrying "size". Unlike the original, sizes are the true sample weights.
    /// </summary>
    private sealed class D3TraceFormat : IReportFormat<CollapsedProfile>
    {
        public string Name => "d3trace";

        public string? DefaultFileName => null;

        public void Write(CollapsedProfile model, Stream output)
        {
            output.Write("var trace_json = "u8);
            using (var json = new Utf8JsonWriter(output, JsonOptions))
            {
                var tree = CallTree.Build(model, skipRoots: 1);
                tree.Walk(
                    node =>
                    {
                        json.WriteStartObject();
                        json.WriteString("name", node == CallTree.Root ? "All" : Display(model.Frames.Text(tree.Frame(node))));
                        if (tree.FirstChild(node) == 0)
                        {
                            json.WriteNumber("size", tree.Total(node));
                        }
                        else
                        {
                            json.WriteStartArray("children");
                        }
                    },
                    node =>
                    {
                        if (tree.FirstChild(node) > 0)
                        {
                            // Samples that end in this frame itself: the original's trees only had sizes on leaves.
                            if (tree.Self(node) > 0)
                            {
                                json.WriteStartObject();
                                json.WriteString("name", "(self)");
                                json.WriteNumber("size", tree.Self(node));
                                json.WriteEndObject();
                            }

                            json.WriteEndArray();
                        }

                        json.WriteEndObject();
                    });
            }

            output.Write(";\n"u8);
        }
    }

    // Nesting follows stack depth, which has no limit (perf's is configurable): no depth limit here either.
    private static JsonWriterOptions JsonOptions => new() { Encoder = Json.Encoder, MaxDepth = int.MaxValue };
}
