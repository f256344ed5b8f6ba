namespace Kashika.Core.Trace;

/// <summary>
/// Every distinct frame once, numbered; stacks are arrays of these numbers. A frame is its name and its module: two
/// programs' <c>main</c> are two frames (the folded formats, which have names only, print both as <c>main</c>).
/// </summary>
public sealed class FrameTable
{
    private readonly Dictionary<(string Text, string Module), int> ids = [];
    private readonly List<string> texts = [];
    private readonly List<FrameKind> kinds = [];
    private readonly List<string> modules = [];
    private readonly Dictionary<int, TraceThread> threads = [];

    public int Count => texts.Count;

    /// <summary>The number of <paramref name="text"/> in <paramref name="module"/>, added with <paramref name="kind"/> if new
    /// (the first kind seen stays).</summary>
    public int Add(string text, FrameKind kind, string module = "")
    {
        if (ids.TryGetValue((text, module), out int id))
        {
            return id;
        }

        id = texts.Count;
        ids[(text, module)] = id;
        texts.Add(text);
        kinds.Add(kind);
        modules.Add(module);
        return id;
    }

    /// <summary>The root frame of a thread's stacks, named <paramref name="text"/> (the first thread of that name stays).</summary>
    public int AddThread(string text, TraceThread thread)
    {
        int id = Add(text, FrameKind.Thread);
        threads.TryAdd(id, thread);
        return id;
    }

    public string Text(int id) => texts[id];

    public FrameKind Kind(int id) => kinds[id];

    /// <summary>The module (binary, library, "[kernel.kallsyms]") of the frame, or "".</summary>
    public string Module(int id) => modules[id];

    /// <summary>The thread a <see cref="FrameKind.Thread"/> frame stands for.</summary>
    public TraceThread? Thread(int id) => threads.GetValueOrDefault(id);
}

/// <summary>A sampled thread as perf names it: its command (the thread's own name), process id (tgid) and thread id;
/// "" where the input did not say, pid "?" when perf printed the thread id alone.</summary>
public sealed record TraceThread(string Comm, string Pid, string Tid);
