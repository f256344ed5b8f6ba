namespace Kashika.Core.Trace;

/// <summary>Every distinct frame name once, numbered; stacks are arrays of these numbers.</summary>
public sealed class FrameTable
{
    private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);
    private readonly List<string> texts = [];
    private readonly List<FrameKind> kinds = [];
    private readonly List<string> modules = [];

    public int Count => texts.Count;

    /// <summary>The number of <paramref name="text"/>, added with <paramref name="kind"/> if new (the first kind seen stays).</summary>
    public int Add(string text, FrameKind kind, string module = "")
    {
        if (ids.TryGetValue(text, out int id))
        {
            return id;
        }

        id = texts.Count;
        ids[text] = id;
        texts.Add(text);
        kinds.Add(kind);
        modules.Add(module);
        return id;
    }

    public string Text(int id) => texts[id];

    public FrameKind Kind(int id) => kinds[id];

    /// <summary>The module (binary, library, "[kernel.kallsyms]") the frame was first seen in, or "".</summary>
    public string Module(int id) => modules[id];
}
