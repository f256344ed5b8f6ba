using Kashika.Core.Common;
using Kashika.Core.Trace;

namespace Kashika.Adapters.Trace;

/// <summary>A profile read from every input, with what was skipped or assumed on the way, and notes on how it was read
/// (which reader read a perf.data, and why) for standard error only.</summary>
public sealed record TraceIngestResult(CollapsedProfile Profile, IReadOnlyList<string> Warnings, IReadOnlyList<string> Notes);

/// <summary>
/// The one ingest pipeline of every trace command: each input opened (file, standard input, .gz, perf.data through
/// perf script), its kind decided by content, read by the reader of its kind into one <see cref="TraceReader"/>.
/// </summary>
public static class TraceIngest
{
    /// <exception cref="InputException">An input is missing, unreadable, of a kind not read, damaged, or holds no sample.</exception>
    /// <exception cref="PerfMissingException">A perf.data input and no perf.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between inputs.</exception>
    public static TraceIngestResult Read(
        IReadOnlyList<string> names, CollapseOptions options, PerfScriptOptions perf, int threads, Stream standardInput, string currentDirectory, CancellationToken cancel)
    {
        // An archive of another machine's build-id cache stands for ~/.debug, for both readers.
        using var archive = perf.Archive is { } tarball ? PerfData.PerfArchive.Open(Path.GetFullPath(tarball, currentDirectory)) : null;
        perf = perf with { BuildIdDirectory = archive?.Directory, Slices = Math.Max(1, threads) };
        string cache = archive?.Directory ?? Path.Join(HomeDirectory(), ".debug");
        var reader = new TraceReader(options, threads);
        var perfNotes = new List<string>();
        var notes = new List<string>();
        foreach (string name in names)
        {
            cancel.ThrowIfCancellationRequested();
            using var input = TraceInput.Open(name, standardInput, currentDirectory, perf);
            try
            {
                if (input.Native is { } recording)
                {
                    reader.PreferEvent(recording.EventNames[0]);
                    var symbols = new PerfData.SymbolSource(cache, perf.Symfs ?? "") { KernelRelease = recording.OsRelease };
                    var session = new PerfData.PerfSession(recording, symbols, MaxStack());
                    reader.ReadSamples(input.Name, count => PerfData.SamplePipeline.Run(session.Run, count));
                    if (symbols.Problem is { } problem)
                    {
                        perfNotes.Add($"{input.Name}: {problem}");
                    }

                    perfNotes.AddRange(symbols.Warnings.Select(w => $"{input.Name}: {w}"));

                    if (session.Lost > 0)
                    {
                        perfNotes.Add($"{input.Name}: {session.Lost:N0} samples were lost while recording (perf could not keep up): the profile is of the samples kept");
                    }

                    if (session.KernelCodeAdded > 0 && session.UnmappedKernelFrames > 0)
                    {
                        perfNotes.Add($"{input.Name}: {session.UnmappedKernelFrames:N0} kernel frames are in code the kernel compiled while recording (BPF programs; {session.KernelCodeAdded:N0} KSYMBOL records), which kashika's reader names [unknown]: read with --reader perf to name them");
                    }

                    if (session.Unordered > 0)
                    {
                        perfNotes.Add($"{input.Name}: {session.Unordered:N0} records were written after later ones had been read (perf's out-of-order events): each was counted with what was known when it was read, as perf script does");
                    }

                    notes.Add($"{input.Name}: read by kashika's own perf.data reader");
                }
                else if (input.Kind == TraceInputKind.Pprof)
                {
                    PprofReader.Read(input.Stream, input.Name, reader);
                }
                else
                {
                    // A recording's first event is the one it was recorded with first (as perf report lists them), not
                    // whichever its first sample happens to be.
                    if (input.RecordedEvents.Count > 0)
                    {
                        reader.PreferEvent(input.RecordedEvents[0]);
                    }

                    if (input.Slices.Count > 1)
                    {
                        reader.ReadSlices(input.Slices, input.Name);
                    }
                    else
                    {
                        reader.Read(input.Stream, input.Name, input.Kind);
                    }
                }
            }
            catch (InvalidDataException e)
            {
                throw TraceInput.Corrupt(input.Name, e);
            }
            catch (IOException e)
            {
                throw new InputException($"{input.Name}: {e.Message}");
            }
            catch (UnauthorizedAccessException e)
            {
                // A closed standard input reads as "bad file descriptor".
                throw new InputException($"{input.Name}: cannot be read ({(e.InnerException ?? e).Message.TrimEnd('.')})");
            }

            perfNotes.AddRange(input.Complete());
            if (input.PartChains)
            {
                perfNotes.Add($"{input.Name}: recorded with kernel or user call chains only (--kernel-callchains, --user-callchains), and perf script prints a sample's chain alone: "
                    + "a sample taken on the other side has no frame of its own here (perf report counts it at its address, and so does kashika's own reader, without --reader perf)");
            }

            if (input.PerfReason is { } reason)
            {
                notes.Add($"{input.Name}: read by perf script: {reason}" + (input.Slices.Count > 1 ? $" ({input.Slices.Count} perf script processes at once, each a slice of the recording's time)" : ""));
            }
        }

        var profile = reader.Profile();
        if (profile.Stacks.Count == 0)
        {
            string why = reader.SkippedEvents.Count > 0 && !reader.IsFolded
                ? $"no sample of '{reader.Event}'; the input has {string.Join(", ", reader.SkippedEvents.Keys.Order(StringComparer.Ordinal).Select(e => $"'{e}'"))} (choose with --event)"
                : $"no stack samples found ({reader.UnrecognizedLines} unrecognised lines)";
            throw new InputException($"{string.Join(", ", names)}: {why}");
        }

        return new TraceIngestResult(profile, [.. reader.Warnings(), .. perfNotes], notes);
    }

    // perf script keeps as many frames of a call chain as this machine's kernel records (perf_event_max_stack).
    private static int MaxStack()
    {
        try
        {
            return int.TryParse(File.ReadAllText("/proc/sys/kernel/perf_event_max_stack").Trim(), System.Globalization.CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 127;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 127;
        }
    }

    // perf keeps its build-id cache in the home directory of whoever recorded (~/.debug), as perf script looks there.
    private static string HomeDirectory() =>
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}
