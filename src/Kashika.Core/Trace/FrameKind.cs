namespace Kashika.Core.Trace;

/// <summary>Where a frame's code lives, as far as perf's module name tells.</summary>
public enum FrameKind
{
    User,
    Kernel,
    Jit,
    Inlined,
    Unknown,

    /// <summary>Not code: a label of the samples under it (<c>host=web1</c>, from <c>--label</c> or a pprof profile's labels), kept as
    /// the stack's first frames; or, at the leaf, the state an off-CPU thread was in.</summary>
    Label,

    /// <summary>Not code: the thread that was sampled (<c>comm</c>, <c>comm-pid</c> or <c>comm-pid/tid</c>), the root frame
    /// of perf's stacks (after labels), as stackcollapse-perf.pl names it. Its ids are in <see cref="FrameTable.Thread"/>.</summary>
    Thread,
}
