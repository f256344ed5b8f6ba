namespace Kashika.Core.Trace;

/// <summary>How samples are weighted in folded stacks.</summary>
public enum SampleWeight
{
    /// <summary>The event's period when the event line has one, else 1 (as stackcollapse-perf.pl).</summary>
    Period,

    /// <summary>1 per sample.</summary>
    Samples,
}

/// <summary>The options of stackcollapse-perf.pl, plus the weight.</summary>
/// <param name="Pid">Name the process as "comm-pid".</param>
/// <param name="Tid">Name the process as "comm-pid/tid".</param>
/// <param name="Kernel">Append "_[k]" to kernel frames.</param>
/// <param name="Jit">Append "_[j]" to JIT frames (perf map and jitdump).</param>
/// <param name="Addrs">Show the address of frames whose symbol is unknown.</param>
/// <param name="EventFilter">Count only this event; null: the first event met.</param>
/// <param name="Srcline">Each frame line is followed by a source line (perf script -F +srcline).</param>
/// <param name="TimeSlices">Also keep when samples were taken, in slices of 1/N second (0: not kept). The trace page's
/// heat map and time range use it; the folded formats never do.</param>
/// <param name="Labels">Labels of every sample ("host=web1"): the stacks' first frames (<see cref="FrameKind.Label"/>), and
/// sample labels in pprof.</param>
/// <param name="OffCpu">Read sched:sched_switch samples as off-CPU time: each switched-out stack weighs the nanoseconds until
/// its thread is switched in again, under a leaf frame naming the state it waited in.</param>
public sealed record CollapseOptions(
    bool Pid = false,
    bool Tid = false,
    bool Kernel = false,
    bool Jit = false,
    bool Addrs = false,
    string? EventFilter = null,
    bool Srcline = false,
    SampleWeight Weight = SampleWeight.Period,
    int TimeSlices = 0,
    IReadOnlyList<string>? Labels = null,
    bool OffCpu = false);
