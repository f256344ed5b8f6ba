namespace Kashika.Adapters.Trace.PerfData;

/// <summary>A symbol as perf keeps it: where it starts and ends (in the address space its module is looked up in), its
/// binding (which of several at one address perf keeps) and its name.</summary>
/// <param name="Sized">Whether its size was read (false: it ends where the next begins, a label or an assembler symbol).</param>
/// <param name="Order">Its place in the order read (set by <see cref="SymbolTable"/>).</param>
internal readonly record struct Symbol(ulong Start, ulong End, SymbolBinding Binding, string Name, bool Sized = true, int Order = 0);

internal enum SymbolBinding
{
    Local,
    Global,
    Weak,
}

/// <summary>
/// A module's symbols, sorted, with perf's rules for what it reads (symbols__fixup_duplicate, symbols__fixup_end): of
/// several symbols at one address the best is kept (a sized one, then not weak, then global, then fewer leading
/// underscores, then the longer name, then the first read); a symbol of no size ends where the next begins.
/// </summary>
internal sealed class SymbolTable
{
    private readonly ulong[] starts;
    private readonly Symbol[] symbols;
    private readonly ulong[] maxEnd; // the furthest end of the symbols up to each

    public static readonly SymbolTable Empty = new([]);

    // A JIT map's symbols as perf keeps them: a search tree built in the order read, nothing fixed (nested blocks and
    // stubs are named by whichever the tree meets first).
    private readonly SearchTree? tree;

    /// <summary>Symbols as perf keeps a JIT map's (dso__load_perf_map): no ends fixed, no duplicates dropped, looked
    /// up in perf's red-black tree as it grows in the order read.</summary>
    public static SymbolTable InOrderRead(List<Symbol> read) => new(read, tree: true);

    private SymbolTable(List<Symbol> read, bool tree)
        : this([])
    {
        this.tree = new SearchTree();
        foreach (var symbol in read)
        {
            this.tree.Insert(symbol);
        }

        count = read.Count;
    }

    private readonly int count = -1;

    /// <param name="kallsyms">Kernel symbols, which have no sizes: the last symbol of the kernel (before a module's)
    /// ends a page after it, as perf rounds it.</param>
    /// <param name="keep">Which of the symbols read are kept once their ends are fixed (the kernel's, not its modules').</param>
    /// <param name="added">Symbols perf adds after fixing the others' ends (a module's PLT entries), each of its own size.</param>
    public SymbolTable(List<Symbol> read, bool kallsyms = false, Func<Symbol, bool>? keep = null, IReadOnlyList<Symbol>? added = null)
    {
        // A stable sort: of symbols at one address, perf meets them in the order read.
        var sorted = read.Select((s, i) => s with { Order = i }).OrderBy(s => s.Start).ThenBy(s => s.Order).ToList();

        // symbols__fixup_end, then symbols__fixup_duplicate, as perf runs them.
        for (int i = 0; i + 1 < sorted.Count; i++)
        {
            var (previous, next) = (sorted[i], sorted[i + 1]);
            if (previous.End == previous.Start)
            {
                sorted[i] = previous with
                {
                    Sized = false,
                    End = kallsyms && previous.Name.Contains('[', StringComparison.Ordinal) != next.Name.Contains('[', StringComparison.Ordinal)
                        ? RoundUp(unchecked(previous.End + 4096)) : next.Start,
                };
            }
        }

        if (sorted.Count > 0 && sorted[^1].End == sorted[^1].Start)
        {
            sorted[^1] = sorted[^1] with { End = unchecked(RoundUp(sorted[^1].Start) + 4096), Sized = false };
        }

        var kept = new List<Symbol>(sorted.Count);
        foreach (var symbol in sorted)
        {
            if (kept.Count > 0 && kept[^1].Start == symbol.Start)
            {
                if (!FirstIsBetter(kept[^1], symbol))
                {
                    kept[^1] = symbol;
                }

                continue;
            }

            kept.Add(symbol);
        }

        if (keep is not null)
        {
            kept.RemoveAll(s => !keep(s));
        }

        // Symbols added come after those read.
        symbols = [.. kept.Concat((added ?? []).Select((s, i) => s with { Order = read.Count + i })).OrderBy(s => s.Start).ThenBy(s => s.Order)];
        starts = [.. symbols.Select(s => s.Start)];
        maxEnd = new ulong[symbols.Length];
        for (int k = 0; k < symbols.Length; k++)
        {
            maxEnd[k] = Math.Max(symbols[k].End, k > 0 ? maxEnd[k - 1] : 0);
        }
    }

    public int Count => count >= 0 ? count : symbols.Length;

    /// <summary>Where the first symbol starts (0 when there is none).</summary>
    public ulong First => symbols.Length > 0 ? symbols[0].Start : 0;

    /// <summary>Where the last symbol ends (0 when there is none).</summary>
    public ulong Last => symbols.Length > 0 ? symbols[^1].End : 0;

    private static ulong RoundUp(ulong address) => unchecked((address + 4095) & ~4095UL);

    /// <summary>The symbol holding <paramref name="address"/>, as perf's symbols__find: start ≤ address &lt; end (or the
    /// address of a symbol of no size).</summary>
    public string? Find(ulong address)
    {
        if (tree is not null)
        {
            return tree.Find(address);
        }

        int i = Array.BinarySearch(starts, address);
        if (i < 0)
        {
            i = ~i - 1;
        }
        else
        {
            // Of symbols sharing a start (a PLT entry where another ends), the last.
            while (i + 1 < starts.Length && starts[i + 1] == address)
            {
                i++;
            }
        }

        if (i < 0)
        {
            return null;
        }

        // Where symbols nest (a JIT map's block and the stubs in it; a function and a label inside it), perf's search
        // tree meets the outer one first: of the sized symbols holding the address, the one read first names it; a
        // symbol whose end was only fixed names it when none does.
        int best = -1;
        for (int j = i; j >= 0 && maxEnd[j] > address; j--)
        {
            var c = symbols[j];
            if (c.Sized && c.Start <= address && address < c.End && (best < 0 || c.Order < symbols[best].Order))
            {
                best = j;
            }
        }

        return best >= 0 ? symbols[best].Name : address < symbols[i].End ? symbols[i].Name : null;
    }

    // perf's choose_best_symbol: true when the first symbol (met earlier) is kept.
    private static bool FirstIsBetter(Symbol a, Symbol b)
    {
        bool aSized = a.End > a.Start, bSized = b.End > b.Start;
        if (aSized != bSized)
        {
            return aSized;
        }

        bool aWeak = a.Binding == SymbolBinding.Weak, bWeak = b.Binding == SymbolBinding.Weak;
        if (aWeak != bWeak)
        {
            return bWeak;
        }

        bool aGlobal = a.Binding == SymbolBinding.Global, bGlobal = b.Binding == SymbolBinding.Global;
        if (aGlobal != bGlobal)
        {
            return aGlobal;
        }

        int aUnderscores = Underscores(a.Name), bUnderscores = Underscores(b.Name);
        if (aUnderscores != bUnderscores)
        {
            return aUnderscores < bUnderscores;
        }

        return a.Name.Length >= b.Name.Length;
    }

    private static int Underscores(string name)
    {
        int n = 0;
        while (n < name.Length && name[n] == '_')
        {
            n++;
        }

        return n;
    }
}

/// <summary>
/// A red-black tree of symbols by start, grown as the Linux kernel's rbtree (lib/rbtree.c, which perf uses) grows: a
/// symbol goes right of those with its start; after each insertion the same recolourings and rotations. A lookup walks
/// it as perf's symbols__find does, so where symbols overlap the same one is found.
/// </summary>
internal sealed class SearchTree
{
    private Node? root;

    private sealed class Node(Symbol symbol, Node? parent)
    {
        public Symbol Symbol { get; } = symbol;

        public Node? Parent { get; set; } = parent;

        public Node? Left { get; set; }

        public Node? Right { get; set; }

        public bool Red { get; set; } = true;
    }

    public string? Find(ulong address)
    {
        var n = root;
        while (n is not null)
        {
            var s = n.Symbol;
            if (address < s.Start)
            {
                n = n.Left;
            }
            else if (address > s.End || (address == s.End && address != s.Start))
            {
                n = n.Right;
            }
            else
            {
                return s.Name;
            }
        }

        return null;
    }

    public void Insert(Symbol symbol)
    {
        Node? parent = null;
        var at = root;
        bool left = false;
        while (at is not null)
        {
            parent = at;
            left = symbol.Start < at.Symbol.Start;
            at = left ? at.Left : at.Right;
        }

        var node = new Node(symbol, parent);
        if (parent is null)
        {
            root = node;
        }
        else if (left)
        {
            parent.Left = node;
        }
        else
        {
            parent.Right = node;
        }

        Rebalance(node);
    }

    private void Rebalance(Node node)
    {
        while (true)
        {
            var parent = node.Parent;
            if (parent is null)
            {
                node.Red = false;
                return;
            }

            if (!parent.Red)
            {
                return;
            }

            var grandparent = parent.Parent!;
            bool parentIsLeft = grandparent.Left == parent;
            var uncle = parentIsLeft ? grandparent.Right : grandparent.Left;
            if (uncle is { Red: true })
            {
                uncle.Red = false;
                parent.Red = false;
                grandparent.Red = true;
                node = grandparent;
                continue;
            }

            if (parentIsLeft)
            {
                if (node == parent.Right)
                {
                    RotateLeft(parent);
                    parent = node;
                }

                RotateRight(grandparent);
            }
            else
            {
                if (node == parent.Left)
                {
                    RotateRight(parent);
                    parent = node;
                }

                RotateLeft(grandparent);
            }

            parent.Red = false;
            grandparent.Red = true;
            return;
        }
    }

    private void RotateLeft(Node x)
    {
        var y = x.Right!;
        x.Right = y.Left;
        if (y.Left is not null)
        {
            y.Left.Parent = x;
        }

        Replace(x, y);
        y.Left = x;
        x.Parent = y;
    }

    private void RotateRight(Node x)
    {
        var y = x.Left!;
        x.Left = y.Right;
        if (y.Right is not null)
        {
            y.Right.Parent = x;
        }

        Replace(x, y);
        y.Right = x;
        x.Parent = y;
    }

    // y takes x's place under x's parent.
    private void Replace(Node x, Node y)
    {
        y.Parent = x.Parent;
        if (x.Parent is null)
        {
            root = y;
        }
        else if (x.Parent.Left == x)
        {
            x.Parent.Left = y;
        }
        else
        {
            x.Parent.Right = y;
        }
    }
}
