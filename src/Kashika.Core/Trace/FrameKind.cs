namespace Kashika.Core.Trace;

/// <summary>Where a frame's code lives, as far as perf's module name tells.</summary>
public enum FrameKind
{
    User,
    Kernel,
    Jit,
    Inlined,
    Unknown,
}
