using System.ComponentModel;
using System.Diagnostics;
using Kashika.Core.Common;

namespace Kashika.Adapters.Trace;

/// <summary>How <c>kashika trace record</c> records: perf record's options chosen by what the user wants to see.</summary>
/// <param name="Frequency">Samples a second per CPU (-F); 999 stays out of step with timers that fire at round rates.</param>
/// <param name="Dwarf">Call graphs from copies of the stack (--call-graph dwarf,65528) for programs built without frame
/// pointers; else frame pointers (-g), far smaller and read natively.</param>
/// <param name="OffCpu">Record where threads wait instead (sched:sched_switch on every CPU, with call graphs).</param>
/// <param name="Arguments">More perf record options, as the user gave them.</param>
public sealed record RecordOptions(int Frequency = 999, bool Dwarf = false, bool OffCpu = false, IReadOnlyList<string>? Arguments = null)
{
    /// <summary>perf record's arguments, writing to <paramref name="output"/>, then the command.</summary>
    public IReadOnlyList<string> For(string output, IReadOnlyList<string> command)
    {
        var arguments = new List<string> { "record", "-o", output };
        if (OffCpu)
        {
            arguments.AddRange(["-e", "sched:sched_switch", "-a"]);
        }
        else
        {
            arguments.AddRange(["-F", Frequency.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        arguments.AddRange(Dwarf ? ["--call-graph", "dwarf,65528"] : ["-g"]);
        arguments.AddRange(Arguments ?? []);
        arguments.Add("--");
        arguments.AddRange(command);
        return arguments;
    }
}

/// <summary>Runs <c>perf record</c> on a command, the command's input and output the user's own.</summary>
public static class PerfRecorder
{
    /// <returns>perf record's exit code (the command's failure is perf's to report: it still wrote what it recorded).</returns>
    /// <exception cref="PerfMissingException">perf is not installed.</exception>
    /// <exception cref="InputException">perf record wrote no recording (it could not record here: permissions, events).</exception>
    public static int Record(RecordOptions options, IReadOnlyList<string> command, string output)
    {
        var start = new ProcessStartInfo("perf") { UseShellExecute = false };
        foreach (string argument in options.For(output, command))
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PerfMissingException("perf: could not be started");
        }
        catch (Win32Exception)
        {
            throw new PerfMissingException("kashika trace record runs perf record, and perf is not installed; install perf (Debian: linux-perf)");
        }

        // Ctrl+C reaches perf and the command too (one process group): perf ends the recording and writes it.
        using (process)
        {
            process.WaitForExit();
            if (!File.Exists(output) || new FileInfo(output).Length == 0)
            {
                throw new InputException($"perf record wrote no recording (exit {process.ExitCode}): see its message above; recording may need root, or 'sysctl kernel.perf_event_paranoid=1'");
            }

            return process.ExitCode;
        }
    }
}
