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
    /// the stack's first frames.</summary>
    Label,
}
