namespace Kashika.Core.Trace;

/// <summary>
/// The call tree of a profile: each node a frame under its caller, with its total and its own (self) weight. Nodes are
/// numbered (0 is the root) and kept in flat arrays, so a tree of millions of nodes or of any depth costs a few dozen
/// bytes a node and is walked without recursion.
/// </summary>
public sealed class CallTree
{
    private readonly Dictionary<(int Parent, int Frame), int> lookup = [];
    private int[] frame = new int[16];
    private int[] parent = new int[16];
    private int[] firstChild = new int[16];
    private int[] lastChild = new int[16];
    private int[] nextSibling = new int[16];
    private long[] total = new long[16];
    private long[] self = new long[16];

    private CallTree()
    {
        Add(-1, -1);
    }

    /// <summary>Nodes, the root included.</summary>
    public int Count { get; private set; }

    public const int Root = 0;

    /// <summary>The frame of a node (-1 for the root).</summary>
    public int Frame(int node) => frame[node];

    public int Parent(int node) => parent[node];

    public long Total(int node) => total[node];

    public long Self(int node) => self[node];

    /// <summary>Children in the order of the folded stacks (byte order of names), which keeps output deterministic.</summary>
    public IEnumerable<int> Children(int node)
    {
        for (int child = firstChild[node]; child > 0; child = nextSibling[child])
        {
            yield return child;
        }
    }

    public int FirstChild(int node) => firstChild[node];

    /// <summary>The next child of the same parent, or 0.</summary>
    public int NextSibling(int node) => nextSibling[node];

    /// <param name="skipRoots">How many root frames to leave out (1 drops the process name).</param>
    public static CallTree Build(CollapsedProfile profile, int skipRoots)
    {
        var tree = new CallTree();
        foreach (var stack in profile.Stacks)
        {
            int node = Root;
            tree.total[Root] = checked(tree.total[Root] + stack.Count);
            for (int i = skipRoots; i < stack.Frames.Length; i++)
            {
                int f = stack.Frames[i];
                if (!tree.lookup.TryGetValue((node, f), out int child))
                {
                    child = tree.Add(node, f);
                }

                node = child;
                tree.total[node] = checked(tree.total[node] + stack.Count);
            }

            tree.self[node] = checked(tree.self[node] + stack.Count);
        }

        return tree;
    }

    private int Add(int parentNode, int frameId)
    {
        int node = Count++;
        if (node == frame.Length)
        {
            int size = checked(frame.Length * 2);
            Array.Resize(ref frame, size);
            Array.Resize(ref parent, size);
            Array.Resize(ref firstChild, size);
            Array.Resize(ref lastChild, size);
            Array.Resize(ref nextSibling, size);
            Array.Resize(ref total, size);
            Array.Resize(ref self, size);
        }

        frame[node] = frameId;
        parent[node] = parentNode;
        if (parentNode >= 0)
        {
            lookup[(parentNode, frameId)] = node;
            if (firstChild[parentNode] == 0)
            {
                firstChild[parentNode] = node;
            }
            else
            {
                nextSibling[lastChild[parentNode]] = node;
            }

            lastChild[parentNode] = node;
        }

        return node;
    }

    /// <summary>
    /// Visits every node depth first without recursion: <paramref name="enter"/> before a node's children,
    /// <paramref name="leave"/> after them.
    /// </summary>
    public void Walk(Action<int> enter, Action<int> leave)
    {
        int node = Root;
        enter(node);
        while (true)
        {
            if (firstChild[node] > 0)
            {
                node = firstChild[node];
                enter(node);
                continue;
            }

            while (true)
            {
                leave(node);
                if (node == Root)
                {
                    return;
                }

                if (nextSibling[node] > 0)
                {
                    node = nextSibling[node];
                    enter(node);
                    break;
                }

                node = parent[node];
            }
        }
    }
}
