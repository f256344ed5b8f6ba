using System.ComponentModel;
using System.Diagnostics;
using System.IO.Compression;
using Kashika.Core.Common;
using Kashika.Core.Trace;

namespace Kashika.Adapters.Trace;

/// <summary>perf is needed (to read a perf.data file) and is not installed.</summary>
public sealed class PerfMissingException(string message) : Kashika.Core.Common.ToolMissingException(message);

/// <summary>How perf script is run on a perf.data recording.</summary>
/// <param name="Srcline">Ask for source lines (-F +srcline), which <see cref="CollapseOptions.Srcline"/> reads.</param>
/// <param name="OffCpu">Keep the tracepoint payload and nanosecond times, which off-CPU time is computed from.</param>
/// <param name="NoInline">perf script --no-inline: no inlined frames, several times faster on DWARF recordings.</param>
/// <param name="Arguments">More arguments for perf script, as the user gave them (--perf-arg).</param>
/// <param name="Reader">Who reads perf.data: kashika itself (falling back to perf script for what it does not read, saying
/// why), or always perf script.</param>
/// <param name="Symfs">A directory standing for / when looking for the recording's modules (perf's --symfs).</param>
/// <param name="Archive">A <c>perf archive</c> tarball of the recording machine's build-id cache, used instead of ~/.debug.</param>
public sealed record PerfScriptOptions(
    bool Srcline = false, bool OffCpu = false, bool NoInline = false, IReadOnlyList<string>? Arguments = null, PerfDataReader Reader = PerfDataReader.Native, string? Symfs = null,
    string? Archive = null)
{
    /// <summary>The build-id cache both readers look in (perf's --buildid-dir); null: perf's own, ~/.debug.</summary>
    public string? BuildIdDirectory { get; init; }

    /// <summary>How many perf script processes read a recording at once, each one slice of its time (--time), folded
    /// on threads of their own; 1: one process. Off-CPU time, which pairs switches across the whole recording, and a
    /// --time of the user's own are read by one.</summary>
    public int Slices { get; init; } = 1;

    /// <summary>Why these options need perf script rather than the native reader; null when they do not.</summary>
    public string? NeedsPerf =>
        Reader == PerfDataReader.Perf ? "--reader perf"
        : Srcline ? "--srcline reads source lines, which perf finds in the modules' debug information"
        : OffCpu ? "--off-cpu reads sched_switch's fields, which perf decodes from the recording's tracing data"
        : Arguments is { Count: > 0 } ? "--perf-arg gives arguments to perf script"
        : null;

    /// <summary>perf script's arguments for a recording at <paramref name="path"/>.</summary>
    /// <param name="time">perf script's --time: the slice of the recording read ("start,end" in seconds); null: all.</param>
    public IReadOnlyList<string> For(string path, string? time = null)
    {
        // "+pid": perf's default fields print the thread id alone, and threads of one process must be seen as one.
        // "+ip,+sym,+dso": the default fields of a tracepoint have no frames once any field is given ("+pid" alone made
        // every sched_switch sample of a -g recording one stackless line). "+period": what each sample weighs. A
        // tracepoint's payload ("-trace") is not wanted except off-CPU: without call graphs perf prints the frame after it.
        string fields = "+pid,+ip,+sym,+symoff,+dso,+period" + (Srcline ? ",+srcline" : "") + (OffCpu ? ",+trace" : ",-trace");
        var arguments = BuildIdDirectory is null ? new List<string>() : ["--buildid-dir", BuildIdDirectory];
        arguments.AddRange(["script", "-F", fields]);
        if (OffCpu)
        {
            arguments.Add("--ns");
        }

        if (NoInline)
        {
            arguments.Add("--no-inline");
        }

        if (Symfs is not null)
        {
            arguments.Add($"--symfs={Symfs}");
        }

        if (time is not null)
        {
            arguments.Add($"--time={time}");
        }

        arguments.AddRange(Arguments ?? []);
        arguments.AddRange(["-i", path]);
        return arguments;
    }
}

/// <summary>Who turns a perf.data recording into samples.</summary>
public enum PerfDataReader
{
    /// <summary>Kashika's own reader (<see cref="PerfData.PerfSession"/>), perf script where it cannot.</summary>
    Native,

    /// <summary>Always perf script.</summary>
    Perf,
}

/// <summary>
/// Opens what a user names as trace input: a file or standard input ("-"), gunzipped when it is gzip, its kind decided
/// by <see cref="TraceInputKinds.Detect"/>; a perf.data recording is turned into text by <c>perf script</c> as it is read.
/// </summary>
public sealed class TraceInput : IDisposable
{
    private readonly Stream stream;
    private readonly IReadOnlyList<(Process Process, Task<string> Errors)> perfs;

    // .NET reads a gzip stream that ends early as a shorter one; strict validation makes it an InvalidDataException
    // (a stream cut short, or a failed CRC), which the reader reports as an input error naming the file.
    static TraceInput() => AppContext.SetSwitch("System.IO.Compression.UseStrictValidation", true);

    private TraceInput(string name, Stream stream, TraceInputKind kind, IReadOnlyList<(Process Process, Task<string> Errors)>? perfs = null, PerfData.PerfDataFile? native = null)
    {
        Native = native;
        Name = name;
        this.stream = stream;
        Kind = kind;
        this.perfs = perfs ?? [];
        Slices = perfs is { Count: > 0 } ? [.. perfs.Select(p => p.Process.StandardOutput.BaseStream)] : [stream];
    }

    public string Name { get; }

    /// <summary>What the content is: perf.data is already perf script text here.</summary>
    public TraceInputKind Kind { get; }

    public Stream Stream => stream;

    /// <summary>perf script's text of a recording, one stream a slice of its time, in time order (one: not sliced).</summary>
    public IReadOnlyList<Stream> Slices { get; }

    /// <summary>A perf.data recording kashika reads itself (<see cref="Stream"/> is its file); null otherwise.</summary>
    public PerfData.PerfDataFile? Native { get; }

    /// <summary>Why a perf.data recording is read by perf script rather than natively; null otherwise.</summary>
    public string? PerfReason { get; private init; }

    /// <summary>Read by perf script from a recording of kernel or user call chains only (--kernel-callchains,
    /// --user-callchains): perf script prints a sample's chain, so a sample taken on the other side has no frame there.</summary>
    public bool PartChains { get; private init; }

    /// <summary>The error of a .gz input cut short or corrupt, whether found at its start or later.</summary>
    public static InputException Corrupt(string name, InvalidDataException e) =>
        new($"{name}: the compressed data is cut short or corrupt ({e.Message.TrimEnd('.')}); nothing was written");

    /// <exception cref="InputException">The file is missing or unreadable, or not a kind of input kashika reads.</exception>
    /// <exception cref="PerfMissingException">It is a perf.data file and perf is not installed.</exception>
    public static TraceInput Open(string path, Stream standardInput, string currentDirectory, PerfScriptOptions perf)
    {
        string name = path == "-" ? "<stdin>" : path;
        string? full = null;
        Stream file;
        if (path == "-")
        {
            file = standardInput;
        }
        else
        {
            full = Path.GetFullPath(path, currentDirectory);
            if (!File.Exists(full))
            {
                throw new InputException(Directory.Exists(full) ? $"{path}: is a directory" : $"{path}: no such file");
            }

            try
            {
                file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"{path}: {e.Message}");
            }
        }

        try
        {
            var (content, kind) = Sniff(file, name);
            if (kind == TraceInputKind.Gzip)
            {
                (content, kind) = Sniff(new GZipStream(content, CompressionMode.Decompress), name);
                if (kind is TraceInputKind.Gzip or TraceInputKind.PerfData)
                {
                    kind = TraceInputKind.Unknown;
                }
            }

            switch (kind)
            {
                case TraceInputKind.PerfData when full is null:
                    return Pipe(name, content, perf);
                case TraceInputKind.PerfData:
                    content.Dispose();
                    return OpenPerfData(path, full, perf);
                case TraceInputKind.LegacyPprof:
                    throw new InputException($"{name}: a profile in pprof's legacy format, which kashika does not read; convert it with 'go tool pprof -proto {path} > profile.pb.gz'");
                case TraceInputKind.Unknown:
                    throw new InputException($"{name}: not a trace input (perf script text, folded stacks, a perf.data recording or a pprof profile, gzipped or not)");
            }

            return new TraceInput(name, content, kind);
        }
        catch (InvalidDataException e)
        {
            file.Dispose();
            throw Corrupt(name, e);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    // The content's first bytes decide its kind; they are read again from the stream returned.
    private static (Stream Stream, TraceInputKind Kind) Sniff(Stream stream, string name)
    {
        var head = new byte[TraceInputKinds.HeadSize];
        int read;
        try
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (UnauthorizedAccessException e)
        {
            // A closed standard input reads as "bad file descriptor".
            throw new InputException($"{name}: cannot be read ({(e.InnerException ?? e).Message.TrimEnd('.')})");
        }
        catch (IOException e)
        {
            throw new InputException($"{name}: {e.Message}");
        }

        return (new PrefixedStream(head[..read], stream), TraceInputKinds.Detect(head.AsSpan(0, read), whole: read < head.Length));
    }

    /// <summary>A perf.data recording's events in the order it was recorded with (perf evlist), the first being the
    /// event counted by default; empty for other inputs.</summary>
    public IReadOnlyList<string> RecordedEvents { get; private init; } = [];

    // A perf.data recording on standard input: read natively as it comes (perf record -o - | kashika trace -), or not at all.
    private static TraceInput Pipe(string name, Stream content, PerfScriptOptions options)
    {
        if (options.NeedsPerf is { } needs)
        {
            throw new InputException($"{name}: a perf.data recording on standard input, which perf script cannot read here ({needs}); write it to a file first");
        }

        var data = PerfData.PerfDataFile.Open(content, name);
        if (PerfData.PerfSession.Unsupported(data) is { } reason)
        {
            throw new InputException($"{name}: kashika does not read this recording itself ({reason}), and perf script cannot read it from standard input here; write it to a file first");
        }

        return new TraceInput(name, content, TraceInputKind.PerfData, native: data);
    }

    // A perf.data recording: read natively when the options and the recording allow it, else by perf script.
    private static TraceInput OpenPerfData(string path, string full, PerfScriptOptions options)
    {
        string? reason = options.NeedsPerf;
        (ulong First, ulong Last)? times = null;
        bool partChains = false;
        if (reason is null)
        {
            var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            try
            {
                var data = PerfData.PerfDataFile.Open(file, path);
                times = data.SampleTimes;
                partChains = data.Events.Any(e => e.PartChains);
                reason = PerfData.PerfSession.Unsupported(data);
                if (reason is null)
                {
                    return new TraceInput(path, file, TraceInputKind.PerfData, native: data);
                }
            }
            catch
            {
                file.Dispose();
                throw;
            }

            file.Dispose();
        }

        else
        {
            (times, partChains) = Header(full);
        }

        try
        {
            return PerfScript(path, full, options, reason, times, partChains);
        }
        catch (PerfMissingException) when (options.Reader == PerfDataReader.Native)
        {
            throw new PerfMissingException($"{path}: kashika does not read this recording itself ({reason}), and perf is not installed to read it; install perf (Debian: linux-perf)");
        }
    }

    // When a recording's samples were taken, as its header says (what perf script itself reads, whatever kashika's own
    // reader makes of the rest; null when it does not say), and whether its call chains are of one side only; nothing
    // when the header cannot be read.
    private static ((ulong First, ulong Last)? Times, bool PartChains) Header(string full)
    {
        try
        {
            using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12);
            var data = PerfData.PerfDataFile.Open(file, full);
            return (data.SampleTimes, data.Events.Any(e => e.PartChains));
        }
        catch (Exception e) when (e is InputException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return (null, false);
        }
    }

    // The --time of each slice: whole nanoseconds, each slice's end one before the next one's start (perf's ranges hold
    // both ends); the first and last open, so no sample outside the header's times is lost.
    private static List<string?> TimeSlices(PerfScriptOptions options, (ulong First, ulong Last)? times)
    {
        bool ownTime = options.Arguments?.Any(a => a.StartsWith("--time", StringComparison.Ordinal)) == true;
        if (options.Slices <= 1 || options.OffCpu || ownTime || times is not { } t || t.Last - t.First < (ulong)options.Slices)
        {
            return [null];
        }

        static string Seconds(ulong ns) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ns / 1_000_000_000}.{ns % 1_000_000_000:D9}");
        ulong Bound(int k) => t.First + (ulong)((UInt128)(t.Last - t.First) * (uint)k / (uint)options.Slices);
        return [.. Enumerable.Range(0, options.Slices).Select(k =>
            (k == 0 ? "" : Seconds(Bound(k))) + "," + (k == options.Slices - 1 ? "" : Seconds(Bound(k + 1) - 1)))];
    }

    private static TraceInput PerfScript(string path, string full, PerfScriptOptions options, string reason, (ulong First, ulong Last)? times, bool partChains)
    {
        var events = new List<string>();
        try
        {
            var evlist = new ProcessStartInfo("perf") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { "evlist", "-i", full })
            {
                evlist.ArgumentList.Add(argument);
            }

            using var listing = Process.Start(evlist);
            if (listing is not null)
            {
                _ = listing.StandardError.ReadToEndAsync();
                events.AddRange(listing.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith('#')));
                listing.WaitForExit();

                // perf evlist cannot name a pipe-mode recording's tracepoints (perf script can): then no event is preferred.
                if (events.Contains("unknown tracepoint"))
                {
                    events.Clear();
                }
            }
        }
        catch (Win32Exception)
        {
            // perf is missing: said below, where perf script cannot start either.
        }

        // Several slices need the event counted known before any is read: the recording's first.
        var slices = events.Count > 0 ? TimeSlices(options, times) : [null];
        var perfs = new List<(Process Process, Task<string> Errors)>();
        try
        {
            foreach (string? time in slices)
            {
                var start = new ProcessStartInfo("perf") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (string argument in options.For(full, time))
                {
                    start.ArgumentList.Add(argument);
                }

                var process = Process.Start(start) ?? throw new PerfMissingException("perf: could not be started");
                perfs.Add((process, process.StandardError.ReadToEndAsync()));
            }

            return new TraceInput(path, perfs[0].Process.StandardOutput.BaseStream, TraceInputKind.PerfScript, perfs) { RecordedEvents = events, PerfReason = reason, PartChains = partChains };
        }
        catch (Win32Exception)
        {
            Kill(perfs);
            throw new PerfMissingException($"{path} is a perf.data recording and perf is not installed; install perf (Debian: linux-perf) or give the output of 'perf script'");
        }
        catch
        {
            Kill(perfs);
            throw;
        }
    }

    private static void Kill(IEnumerable<(Process Process, Task<string> Errors)> perfs)
    {
        foreach (var (process, _) in perfs)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }

    /// <summary>Waits for perf (when it converted the input) and reports its failure.</summary>
    /// <returns>What perf warned of (lost events, restricted kernel maps), one sentence each.</returns>
    /// <exception cref="InputException">perf script failed.</exception>
    public IReadOnlyList<string> Complete()
    {
        // Each slice's perf script reads the whole header and says the same of it: said once.
        var all = new List<string>();
        foreach (var (perf, errors) in perfs)
        {
            perf.WaitForExit();
            var notes = PerfNotes(errors.GetAwaiter().GetResult());
            if (perf.ExitCode != 0)
            {
                throw new InputException($"{Name}: perf script failed (exit {perf.ExitCode}): {notes.FirstOrDefault() ?? ""}");
            }

            all.AddRange(notes.Where(n => !all.Contains(n)));
        }

        return [.. all.Select(n => $"{Name}: perf script: {n}")];
    }

    /// <summary>perf's standard error as sentences: its "Warning:" paragraphs joined to one line each, without its notes
    /// on fields that do not apply to an event ("'trace' not valid for software events. Ignoring.").</summary>
    public static IReadOnlyList<string> PerfNotes(string standardError)
    {
        var notes = new List<string>();
        foreach (string paragraph in standardError.Replace("\r", "", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = paragraph.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => !l.EndsWith("Ignoring.", StringComparison.Ordinal) && l != "Warning:").ToList();
            if (lines.Count > 0)
            {
                notes.Add(string.Join(' ', lines));
            }
        }

        return notes;
    }

    public void Dispose()
    {
        stream.Dispose();
        Kill(perfs);
    }
}
