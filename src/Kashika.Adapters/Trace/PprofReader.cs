using Google.Protobuf;
using Kashika.Core.Common;
using Kashika.Core.Trace;
using static Kashika.Core.Trace.PprofFields;

namespace Kashika.Adapters.Trace;

/// <summary>
/// Reads pprof's profile.proto (already gunzipped) into the trace driver, as <c>go tool pprof -traces</c> reads it: each
/// sample's locations from its leaf, each location's lines from the innermost inlined function to the function it was
/// inlined into; the default sample type's value (else the last); comm/pid/tid labels as the sample's thread, other
/// string labels as its labels; a location without lines named by its address.
/// </summary>
public static class PprofReader
{
    /// <exception cref="InputException">Not a well-formed profile, or a value pprof's tools would not sum (negative).</exception>
    public static void Read(Stream input, string source, TraceReader reader)
    {
        var strings = new List<string>();
        var types = new List<long>();
        var units = new List<long>();
        long defaultType = 0;
        var samples = new List<(ulong[] Locations, long[] Values, List<(long Key, long Str, long Num)> Labels)>();
        var mappings = new Dictionary<ulong, long>();
        var locations = new Dictionary<ulong, (ulong Mapping, ulong Address, ulong[] Functions)>();
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
                        var (ids, values, labels) = (new List<ulong>(), new List<long>(), new List<(long, long, long)>());
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
                                    labels.Add((fields.FirstOrDefault(f => f.Field == LKey).Value, fields.FirstOrDefault(f => f.Field == LStr).Value, fields.FirstOrDefault(f => f.Field == LNum).Value));
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
                        ulong id = 0, mappingId = 0, address = 0;
                        var lines = new List<ulong>();
                        uint lt;
                        while ((lt = location.ReadTag()) != 0)
                        {
                            switch (WireFormat.GetTagFieldNumber(lt))
                            {
                                case LocId: id = location.ReadUInt64(); break;
                                case LocMapping: mappingId = location.ReadUInt64(); break;
                                case LocAddress: address = location.ReadUInt64(); break;
                                case LocLine: lines.Add((ulong)Fields(location.ReadBytes()).FirstOrDefault(f => f.Field == LineFunction).Value); break;
                                default: location.SkipLastField(); break;
                            }
                        }

                        locations[id] = (mappingId, address, [.. lines]);
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
        if (types.Count == 0)
        {
            throw new InputException($"{source}: a pprof profile without a sample type");
        }

        // The type asked for with --event, else pprof's own choice: the profile's default type, else its last.
        var typeNames = types.Select(Str).ToList();
        int byDefault = defaultType != 0 ? types.IndexOf(defaultType) : -1;
        int valueIndex = reader.EventAsked is { } asked
            ? typeNames.IndexOf(asked) is >= 0 and var named ? named
                : throw new InputException($"{source}: no sample type '{asked}'; the profile has {string.Join(", ", typeNames.Select(n => $"'{n}'"))} (choose with --event)")
            : byDefault >= 0 ? byDefault : types.Count - 1;
        if (types.Count > 1)
        {
            string how = reader.EventAsked is not null ? "as asked" : byDefault >= 0 ? "the profile's default, as pprof" : "the last, as pprof";
            reader.Note($"{source}: counted '{typeNames[valueIndex]}' ({how}) of its sample types "
                + $"{string.Join(", ", typeNames.Select(n => $"'{n}'"))}; choose with --event");
        }

        // What the values measure goes with them (cpu/nanoseconds stays so when written as pprof again).
        reader.Measure(new SampleMeasure(Str(types[valueIndex]), Str(units[valueIndex])), source);
        var located = new Dictionary<ulong, int[]>(); // each location's frames, root first, made once
        var frames = new List<int>();
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
            string comm = "", pid = "", tid = "";
            foreach (var (key, str, num) in labels.OrderBy(l => Str(l.Key), StringComparer.Ordinal))
            {
                string name = Str(key), text = str != 0 ? Bytes(Str(str)) : num.ToString(System.Globalization.CultureInfo.InvariantCulture);
                switch (name)
                {
                    case "comm" or "thread_name" when str != 0: comm = text; break;
                    case "pid": pid = text; break;
                    case "tid" or "thread_id": tid = text; break;
                    default:
                        if (str != 0)
                        {
                            frames.Add(reader.Frame($"{Bytes(name)}={text}", FrameKind.Label, ""));
                        }

                        break; // numeric labels (bytes of an allocation) say something of the value, not where it was
                }
            }

            if (comm.Length > 0 || pid.Length > 0 || tid.Length > 0)
            {
                frames.Add(reader.ThreadFrame(new TraceThread(comm.Length > 0 ? comm : "?", pid, tid)));
            }

            for (int i = ids.Length - 1; i >= 0; i--)
            {
                if (!located.TryGetValue(ids[i], out var ofLocation))
                {
                    located[ids[i]] = ofLocation = LocationFrames(ids[i]);
                }

                frames.AddRange(ofLocation);
            }

            reader.AddStack([.. frames], value, source);
        }

        int[] LocationFrames(ulong id)
        {
            if (!locations.TryGetValue(id, out var location))
            {
                throw new InputException($"{source}: a sample names location {id}, which the profile does not hold");
            }

            string module = location.Mapping != 0 && mappings.TryGetValue(location.Mapping, out long file) ? Bytes(Str(file)) : "";
            if (location.Functions.Length == 0)
            {
                return [reader.Frame(location.Address != 0 ? $"0x{location.Address:x}" : $"[location {id}]", FrameKind.Unknown, module)];
            }

            // Lines run from the innermost inlined function to the function they were inlined into (the last, the one
            // the address is in); root first, that is backwards.
            var kind = FrameNames.IsKernelModule(module) ? FrameKind.Kernel : FrameKind.User;
            var ofLocation = new int[location.Functions.Length];
            for (int line = 0; line < location.Functions.Length; line++)
            {
                ulong function = location.Functions[line];
                string name = functions.TryGetValue(function, out long n) ? Bytes(Str(n)) : $"[function {function}]";
                ofLocation[location.Functions.Length - 1 - line] = reader.Frame(name, line < location.Functions.Length - 1 ? FrameKind.Inlined : kind, module);
            }

            return ofLocation;
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
