using System.IO.Compression;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Kashika.Core.Common;
using Kashika.Core.Relate;
using Kashika.Core.Trace;

namespace Kashika.Reports.Trace;

/// <summary>
/// pprof's profile.proto (perftools.profiles.Profile, gzipped), written and read in this one place with Google.Protobuf's
/// wire-format streams; the field numbers are those the format publishes (github.com/google/pprof, proto/profile.proto).
/// Written: one sample type (<see cref="CollapsedProfile.Measure"/>), a function and a location per distinct frame, a
/// mapping per perf module, comm/pid/tid and <c>--label</c>s as sample labels. Read: every sample, its locations' lines
/// (inlined frames expanded) as frames, its string labels but comm/pid/tid as label frames.
/// </summary>
public static partial class Pprof
{
    // Profile
    private const int SampleType = 1, Sample = 2, Mapping = 3, Location = 4, Function = 5, StringTable = 6, DefaultSampleType = 14;

    // ValueType, Sample, Label, Mapping, Location, Line, Function
    private const int VtType = 1, VtUnit = 2;
    private const int SLocation = 1, SValue = 2, SLabel = 3;
    private const int LKey = 1, LStr = 2, LNum = 3;
    private const int MId = 1, MFilename = 5, MHasFunctions = 7;
    private const int LocId = 1, LocMapping = 2, LocLine = 4;
    private const int LineFunction = 1;
    private const int FId = 1, FName = 2, FSystemName = 3;

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
        foreach (var stack in model.Stacks)
        {
            int first = 0;
            while (first < stack.Frames.Length && frames.Kind(stack.Frames[first]) == FrameKind.Label)
            {
                first++;
            }

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
                for (int i = 0; i < first; i++)
                {
                    string label = frames.Text(stack.Frames[i]);
                    int equals = label.IndexOf('=', StringComparison.Ordinal);
                    long key = S(equals < 0 ? "label" : label[..equals]), value = S(equals < 0 ? label : label[(equals + 1)..]);
                    Message(m, SLabel, l => { Int(l, LKey, key); Int(l, LStr, value); });
                }

                // The process a perf stack starts with (a frame without a module): comm, and pid/tid with --pid/--tid.
                if (first < stack.Frames.Length && frames.Module(stack.Frames[first]).Length == 0 && Process().Match(frames.Text(stack.Frames[first])) is { Success: true } process)
                {
                    long comm = S(ByteText.Display(process.Groups[1].Value));
                    Message(m, SLabel, l => { Int(l, LKey, S("comm")); Int(l, LStr, comm); });
                    foreach (var (name, group) in new[] { ("pid", 2), ("tid", 3) })
                    {
                        if (process.Groups[group].Success && long.TryParse(process.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture, out long number))
                        {
                            Message(m, SLabel, l => { Int(l, LKey, S(name)); Int(l, LNum, number); });
                        }
                    }
                }
            });
        }

        var used = new SortedSet<int>(model.Stacks.SelectMany(s => s.Frames).Where(f => frames.Kind(f) != FrameKind.Label));
        // pprof takes mapping[0] for the main binary: the file named after the process (perl for "perl", python3.11 for
        // "python3") in most samples, else the file (not "[kernel.kallsyms]", "[unknown]") most samples pass through.
        var named = new Dictionary<string, double>(StringComparer.Ordinal);
        var passed = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var stack in model.Stacks)
        {
            var modules = stack.Frames.Select(frames.Module).Where(m => m.Length > 0 && m[0] != '[').Distinct(StringComparer.Ordinal).ToList();
            string comm = Process().Match(frames.Text(stack.Frames.FirstOrDefault(f => frames.Kind(f) != FrameKind.Label))).Groups[1].Value;
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

    [GeneratedRegex(@"^(.+?)(?:-(\d+|\?)(?:/(\d+|\?))?)?$", RegexOptions.Singleline)]
    private static partial Regex Process();

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

    /// <summary>Whether bytes (the start of an input, gunzipped) look like a pprof profile: two or more fields, each a
    /// field of Profile with its wire type (text never is: its second or third byte is a tag of a wrong type).</summary>
    public static bool Looks(ReadOnlySpan<byte> start)
    {
        int fields = 0, i = 0;
        while (i < start.Length)
        {
            int tag = start[i++];
            int field = tag >> 3, wire = tag & 7;
            bool lengthDelimited = field is >= SampleType and <= StringTable or 13 or 16;
            if (tag >= 0x80 || field == 0 || field > 16 || (lengthDelimited ? wire != 2 && !(field == 13 && wire == 0) : wire != 0))
            {
                return false;
            }

            fields++;
            if (wire == 0)
            {
                while (i < start.Length && start[i] >= 0x80)
                {
                    i++;
                }

                i++;
            }
            else if (i < start.Length)
            {
                if (start[i] >= 0x80)
                {
                    return fields >= 1 && i + 1 >= start.Length; // a long field: the head ends inside it
                }

                i += 1 + start[i];
            }
        }

        return fields >= 2;
    }

    /// <summary>Adds every sample of a pprof profile (<paramref name="input"/>: the protobuf, already gunzipped) to
    /// <paramref name="reader"/>. The value taken is the default sample type's, else the last (pprof's own rule).</summary>
    /// <exception cref="InputException">Not a well-formed profile, or a value pprof's tools would not sum (negative).</exception>
    public static void Read(Stream input, string source, TraceReader reader)
    {
        var strings = new List<string>();
        var types = new List<long>();
        var units = new List<long>();
        long defaultType = 0;
        var samples = new List<(ulong[] Locations, long[] Values, List<(long Key, long Str)> Labels)>();
        var mappings = new Dictionary<ulong, long>();
        var locations = new Dictionary<ulong, (ulong Mapping, ulong[] Functions)>();
        var functions = new Dictionary<ulong, long>();
        try
        {
            var proto = new CodedInputStream(input, leaveOpen: true);
            uint tag;
            while ((tag = proto.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case SampleType:
                        var valueType = Fields(proto.ReadBytes());
                        types.Add(valueType.FirstOrDefault(f => f.Field == VtType).Value);
                        units.Add(valueType.FirstOrDefault(f => f.Field == VtUnit).Value);
                        break;
                    case Sample:
                        var (ids, values, labels) = (new List<ulong>(), new List<long>(), new List<(long, long)>());
                        var sample = new CodedInputStream(proto.ReadBytes().ToByteArray());
                        uint t;
                        while ((t = sample.ReadTag()) != 0)
                        {
                            switch (WireFormat.GetTagFieldNumber(t))
                            {
                                case SLocation: Repeated(sample, t, ids, s => s.ReadUInt64()); break;
                                case SValue: Repeated(sample, t, values, s => s.ReadInt64()); break;
                                case SLabel:
                                    var fields = Fields(sample.ReadBytes());
                                    labels.Add((fields.FirstOrDefault(f => f.Field == LKey).Value, fields.FirstOrDefault(f => f.Field == LStr).Value));
                                    break;
                                default: sample.SkipLastField(); break;
                            }
                        }

                        samples.Add(([.. ids], [.. values], labels));
                        break;
                    case Mapping:
                        var mapping = Fields(proto.ReadBytes());
                        mappings[(ulong)mapping.FirstOrDefault(f => f.Field == MId).Value] = mapping.FirstOrDefault(f => f.Field == MFilename).Value;
                        break;
                    case Location:
                        var location = new CodedInputStream(proto.ReadBytes().ToByteArray());
                        ulong id = 0, mappingId = 0;
                        var lines = new List<ulong>();
                        uint lt;
                        while ((lt = location.ReadTag()) != 0)
                        {
                            switch (WireFormat.GetTagFieldNumber(lt))
                            {
                                case LocId: id = location.ReadUInt64(); break;
                                case LocMapping: mappingId = location.ReadUInt64(); break;
                                case LocLine: lines.Add((ulong)Fields(location.ReadBytes()).FirstOrDefault(f => f.Field == LineFunction).Value); break;
                                default: location.SkipLastField(); break;
                            }
                        }

                        locations[id] = (mappingId, [.. lines]);
                        break;
                    case Function:
                        var function = Fields(proto.ReadBytes());
                        functions[(ulong)function.FirstOrDefault(f => f.Field == FId).Value] = function.FirstOrDefault(f => f.Field == FName).Value;
                        break;
                    case StringTable:
                        strings.Add(proto.ReadString());
                        break;
                    case DefaultSampleType:
                        defaultType = proto.ReadInt64();
                        break;
                    default:
                        proto.SkipLastField();
                        break;
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InputException($"{source}: not a well-formed pprof profile ({e.Message.TrimEnd('.')})");
        }

        string Str(long index) => index >= 0 && index < strings.Count ? strings[(int)index]
            : throw new InputException($"{source}: a string index {index} past the profile's {strings.Count} strings");
        int valueIndex = defaultType != 0 && types.IndexOf(defaultType) is >= 0 and var found ? found : types.Count - 1;
        if (valueIndex < 0)
        {
            throw new InputException($"{source}: a pprof profile without a sample type");
        }

        // What the values measure goes with them (cpu/nanoseconds stays so when written as pprof again).
        reader.Measure(new SampleMeasure(Str(types[valueIndex]), Str(units[valueIndex])), source);
        var frames = new List<(string Text, FrameKind Kind, string Module)>();
        foreach (var (ids, values, labels) in samples)
        {
            if (values.Length != types.Count)
            {
                throw new InputException($"{source}: a sample with {values.Length} values for {types.Count} sample types");
            }

            long value = values[valueIndex];
            if (value < 0)
            {
                throw new InputException($"{source}: a negative sample value ({value}): a difference of profiles is not summed");
            }

            if (value == 0)
            {
                continue;
            }

            frames.Clear();
            foreach (var (key, str) in labels.Where(l => l.Str != 0).OrderBy(l => Str(l.Key), StringComparer.Ordinal))
            {
                string name = Str(key);
                if (name is not ("comm" or "pid" or "tid"))
                {
                    frames.Add(($"{Bytes(name)}={Bytes(Str(str))}", FrameKind.Label, ""));
                }
            }

            int labelFrames = frames.Count;
            foreach (ulong id in ids)
            {
                if (!locations.TryGetValue(id, out var location))
                {
                    throw new InputException($"{source}: a sample names location {id}, which the profile does not hold");
                }

                string module = location.Mapping != 0 && mappings.TryGetValue(location.Mapping, out long file) ? Bytes(Str(file)) : "";
                var kind = module.StartsWith("[kernel", StringComparison.Ordinal) ? FrameKind.Kernel : FrameKind.User;
                // A location's lines run from the innermost inlined function to its caller; stacks here run leaf last.
                if (location.Functions.Length == 0)
                {
                    frames.Insert(labelFrames, ($"0x{id:x}", FrameKind.Unknown, module.Length > 0 ? module : "pprof"));
                }

                foreach (ulong function in location.Functions.Reverse())
                {
                    string name = functions.TryGetValue(function, out long n) ? Bytes(Str(n)) : $"function {function}";
                    frames.Insert(labelFrames, (name, kind, module.Length > 0 ? module : "pprof"));
                }
            }

            reader.AddStack(frames, value, source);
        }
    }

    // Frames are held as bytes in Latin-1 chars (as perf's text is read); pprof's strings are UTF-8.
    private static string Bytes(string text) => System.Text.Encoding.Latin1.GetString(System.Text.Encoding.UTF8.GetBytes(text));

    private static List<(int Field, long Value)> Fields(ByteString message)
    {
        var fields = new List<(int, long)>();
        var input = new CodedInputStream(message.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
            {
                fields.Add((WireFormat.GetTagFieldNumber(tag), input.ReadInt64()));
            }
            else
            {
                input.SkipLastField();
            }
        }

        return fields;
    }

    // A repeated number, packed (one length-delimited run) or not (one tag per value): readers must take both.
    private static void Repeated<T>(CodedInputStream input, uint tag, List<T> into, Func<CodedInputStream, T> read)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
        {
            into.Add(read(input));
            return;
        }

        var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
        while (!packed.IsAtEnd)
        {
            into.Add(read(packed));
        }
    }
}
