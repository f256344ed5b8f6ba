using System.IO.Compression;
using Google.Protobuf;
using Kashika.Core.Common;
using Kashika.Core.Relate;
using Kashika.Core.Trace;
using static Kashika.Core.Trace.PprofFields;

namespace Kashika.Reports.Trace;

/// <summary>
/// pprof's profile.proto (perftools.profiles.Profile, gzipped), written with Google.Protobuf's wire-format streams (read
/// by Adapters' PprofReader): one sample type (<see cref="CollapsedProfile.Measure"/>), a function and a location per
/// distinct frame, a mapping per perf module, the sampled thread as comm/pid/tid labels and <c>--label</c>s as labels.
/// </summary>
public static class Pprof
{
    public static IReportFormat<CollapsedProfile> Format { get; } = new PprofFormat();

    private sealed class PprofFormat : IReportFormat<CollapsedProfile>
    {
        public string Name => "pprof";

        public string? DefaultFileName => null;

        public void Write(CollapsedProfile model, Stream output)
        {
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            {
                var proto = new CodedOutputStream(gzip, leaveOpen: true);
                WriteProfile(model, proto);
                proto.Flush();
            }

            output.Flush();
        }
    }

    private static void WriteProfile(CollapsedProfile model, CodedOutputStream proto)
    {
        var strings = new Dictionary<string, long>(StringComparer.Ordinal) { [""] = 0 };
        long S(string text) => strings.TryGetValue(text, out long i) ? i : strings[text] = strings.Count;

        Message(proto, SampleType, m => { Int(m, VtType, S(model.Measure.Type)); Int(m, VtUnit, S(model.Measure.Unit)); });
        var frames = model.Frames;
        var mappings = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var used = new SortedSet<int>(); // the frames that are locations: all but each stack's leading labels and thread
        foreach (var stack in model.Stacks)
        {
            int first = 0;
            while (first < stack.Frames.Length && frames.Kind(stack.Frames[first]) == FrameKind.Label)
            {
                first++;
            }

            int labels = first;
            var thread = first < stack.Frames.Length ? frames.Thread(stack.Frames[first]) : null;
            if (thread is not null)
            {
                first++;
            }

            used.UnionWith(stack.Frames[first..]);
            Message(proto, Sample, m =>
            {
                // Leaf first, as pprof orders a sample's locations; a location's id is its frame's number + 1.
                var ids = new List<ulong>(stack.Frames.Length - first);
                for (int i = stack.Frames.Length - 1; i >= first; i--)
                {
                    ids.Add((ulong)stack.Frames[i] + 1);
                }

                Packed(m, SLocation, ids);
                Packed(m, SValue, [(ulong)stack.Count]);
                for (int i = 0; i < labels; i++)
                {
                    string label = frames.Text(stack.Frames[i]);
                    int equals = label.IndexOf('=', StringComparison.Ordinal);
                    long key = S(equals < 0 ? "label" : label[..equals]), value = S(equals < 0 ? label : label[(equals + 1)..]);
                    Message(m, SLabel, l => { Int(l, LKey, key); Int(l, LStr, value); });
                }

                // The sampled thread: comm, and pid/tid when the input had them.
                if (thread is not null)
                {
                    long comm = S(ByteText.Display(thread.Comm));
                    Message(m, SLabel, l => { Int(l, LKey, S("comm")); Int(l, LStr, comm); });
                    foreach (var (name, id) in new[] { ("pid", thread.Pid), ("tid", thread.Tid) })
                    {
                        if (long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number))
                        {
                            Message(m, SLabel, l => { Int(l, LKey, S(name)); Int(l, LNum, number); });
                        }
                    }
                }
            });
        }

        // pprof takes mapping[0] for the main binary: the file named after the process (perl for "perl", python3.11 for
        // "python3") in most samples, else the file (not "[kernel.kallsyms]", "[unknown]") most samples pass through.
        var named = new Dictionary<string, double>(StringComparer.Ordinal);
        var passed = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var stack in model.Stacks)
        {
            var modules = stack.Frames.Select(frames.Module).Where(m => m.Length > 0 && m[0] != '[').Distinct(StringComparer.Ordinal).ToList();
            string comm = stack.Frames.Select(frames.Thread).FirstOrDefault(t => t is not null)?.Comm ?? "";
            if (modules.FirstOrDefault(m => comm.Length > 0 && Path.GetFileName(m).StartsWith(comm, StringComparison.Ordinal)) is { } file)
            {
                named[file] = named.GetValueOrDefault(file) + stack.Count;
            }

            foreach (string m in modules)
            {
                passed[m] = passed.GetValueOrDefault(m) + stack.Count;
            }
        }

        string? main = (named.Count > 0 ? named : passed).OrderByDescending(m => m.Value).ThenBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key).FirstOrDefault();
        if (main is not null)
        {
            mappings[main] = 1;
        }

        foreach (int f in used)
        {
            string module = frames.Module(f);
            if (module.Length > 0 && !mappings.ContainsKey(module))
            {
                mappings[module] = (ulong)mappings.Count + 1;
            }
        }

        foreach (var (module, id) in mappings)
        {
            Message(proto, Mapping, m => { UInt(m, MId, id); Int(m, MFilename, S(ByteText.Display(module))); Bool(m, MHasFunctions, true); });
        }

        foreach (int f in used)
        {
            ulong mapping = mappings.GetValueOrDefault(frames.Module(f));
            Message(proto, Location, m =>
            {
                UInt(m, LocId, (ulong)f + 1);
                UInt(m, LocMapping, mapping);
                Message(m, LocLine, l => UInt(l, LineFunction, (ulong)f + 1));
            });
        }

        foreach (int f in used)
        {
            long name = S(ByteText.Display(frames.Text(f)));
            Message(proto, Function, m => { UInt(m, FId, (ulong)f + 1); Int(m, FName, name); Int(m, FSystemName, name); });
        }

        foreach (string text in strings.OrderBy(s => s.Value).Select(s => s.Key))
        {
            proto.WriteTag(StringTable, WireFormat.WireType.LengthDelimited);
            proto.WriteString(text);
        }

        Int(proto, DefaultSampleType, S(model.Measure.Type));
    }

    // Each embedded message is made apart, then written with its length.
    private static void Message(CodedOutputStream proto, int field, Action<CodedOutputStream> body)
    {
        var buffer = new MemoryStream();
        var inner = new CodedOutputStream(buffer, leaveOpen: true);
        body(inner);
        inner.Flush();
        proto.WriteTag(field, WireFormat.WireType.LengthDelimited);
        proto.WriteBytes(ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void Int(CodedOutputStream proto, int field, long value)
    {
        if (value != 0)
        {
            proto.WriteTag(field, WireFormat.WireType.Varint);
            proto.WriteInt64(value);
        }
    }

    private static void UInt(CodedOutputStream proto, int field, ulong value)
    {
        if (value != 0)
        {
            proto.WriteTag(field, WireFormat.WireType.Varint);
            proto.WriteUInt64(value);
        }
    }

    private static void Bool(CodedOutputStream proto, int field, bool value)
    {
        proto.WriteTag(field, WireFormat.WireType.Varint);
        proto.WriteBool(value);
    }

    private static void Packed(CodedOutputStream proto, int field, IReadOnlyList<ulong> values)
    {
        int length = values.Sum(v => CodedOutputStream.ComputeUInt64Size(v));
        proto.WriteTag(field, WireFormat.WireType.LengthDelimited);
        proto.WriteLength(length);
        foreach (ulong v in values)
        {
            proto.WriteUInt64(v);
        }
    }
}
