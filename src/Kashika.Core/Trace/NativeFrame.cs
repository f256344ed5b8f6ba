namespace Kashika.Core.Trace;

/// <summary>
/// A frame of a sample read from perf.data itself, named as <c>perf script</c> prints it: the symbol (null for perf's
/// "[unknown]"), the module (perf's dso name; null for "[unknown]") and the address perf prints (relative to the
/// module's mapping for user code). One object stands for one address of one address space; its <see cref="Id"/>, given
/// by the reader in order from 0, lets a collapser keep what it made of it in an array; frames of one symbol of one
/// module share their <see cref="NameId"/>.
/// </summary>
public sealed class NativeFrame(int id, int nameId, string? symbol, string? module, ulong address)
{
    public int Id { get; } = id;

    public int NameId { get; } = nameId;

    public string? Symbol { get; } = symbol;

    public string? Module { get; } = module;

    public ulong Address { get; } = address;

    /// <summary>The frame as a line of perf script without the symbol's offset: "address symbol (module)".</summary>
    public override string ToString() => $"{Address:x} {Symbol ?? "[unknown]"} ({Module ?? "[unknown]"})";
}

/// <summary>One sample read from perf.data: whose, which event, when, how much, and its frames leaf first.</summary>
public readonly ref struct NativeSample(string comm, int pid, int tid, string eventName, ulong period, ulong time, ReadOnlySpan<NativeFrame> frames)
{
    public string Comm { get; } = comm;

    public int Pid { get; } = pid;

    public int Tid { get; } = tid;

    public string Event { get; } = eventName;

    public ulong Period { get; } = period;

    /// <summary>Nanoseconds, the clock perf recorded with.</summary>
    public ulong Time { get; } = time;

    public ReadOnlySpan<NativeFrame> Frames { get; } = frames;
}

/// <summary>Called with each sample read from perf.data; the sample's frames are valid during the call only.</summary>
public delegate void NativeSampleHandler(NativeSample sample);
