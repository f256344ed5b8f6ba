namespace Kashika.Core.Trace;

/// <summary>The call tree of a profile: each node a frame under its caller, with its total and its own (self) weight.</summary>
public sealed class CallTree
{
    private readonly Dictionary<int, CallTree> byFrame = [];

    public long Total { get; private set; }

    public long Self { get; private set; }

    /// <summary>Children in the order of the folded stacks (byte order of names), which keeps output deterministic.</summary>
    public List<(int Frame, CallTree Node)> Children { get; } = [];

    /// <param name="skipRoots">How many root frames to leave out (1 drops the process name).</param>
    public static CallTree Build(CollapsedProfile profile, int skipRoots)
    {
        var root = new CallTree();
        foreach (var stack in profile.Stacks)
        {
            var node = root;
            node.Total += stack.Count;
            for (int i = skipRoots; i < stack.Frames.Length; i++)
            {
                int frame = stack.Frames[i];
                if (!node.byFrame.TryGetValue(frame, out var child))
                {
                    child = new CallTree();
                    node.byFrame[frame] = child;
                    node.Children.Add((frame, child));
                }

                node = child;
                node.Total += stack.Count;
            }

            node.Self += stack.Count;
        }

        return root;
    }
}
