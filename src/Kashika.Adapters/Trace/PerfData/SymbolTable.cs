namespace Kashika.Adapters.Trace.PerfData;

/// <summary>A symbol as perf keeps it: where it starts and ends (in the address space its module is looked up in), its
/// binding (which of several at one address perf keeps) and its name.</summary>
/// <param name="Sized">Whether its size was read (false: it ends where the next begins, a label or an assembler symbol).</param>
internal readonly record struct Symbol(ulong Start, ulong End, SymbolBinding Binding, string Name, bool Sized = true);

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

    public static readonly SymbolTable Empty = new([]);

    /// <param name="kallsyms">Kernel symbols, which have no sizes: the last symbol of the kernel (before a module's)
    /// ends a page after it, as perf rounds it.</param>
    /// <param name="keep">Which of the symbols read are kept once their ends are fixed (the kernel's, not its modules').</param>
    /// <param name="added">Symbols perf adds after fixing the others' ends (a module's PLT entries), each of its own size.</param>
    public SymbolTable(List<Symbol> read, bool kallsyms = false, Func<Symbol, bool>? keep = null, IReadOnlyList<Symbol>? added = null)
    {
        // A stable sort: of symbols at one address, perf meets them in the order read.
        var sorted = read.Select((s, i) => (s, i)).OrderBy(x => x.s.Start).ThenBy(x => x.i).Select(x => x.s).ToList();

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

        if (added is { Count: > 0 })
        {
            kept = [.. kept.Concat(added).Select((s, i) => (s, i)).OrderBy(x => x.s.Start).ThenBy(x => x.i).Select(x => x.s)];
        }

        symbols = [.. kept];
        starts = [.. kept.Select(s => s.Start)];
    }

    public int Count => symbols.Length;

    /// <summary>Where the first symbol starts (0 when there is none).</summary>
    public ulong First => symbols.Length > 0 ? symbols[0].Start : 0;

    /// <summary>Where the last symbol ends (0 when there is none).</summary>
    public ulong Last => symbols.Length > 0 ? symbols[^1].End : 0;

    private static ulong RoundUp(ulong address) => unchecked((address + 4095) & ~4095UL);

    /// <summary>The symbol holding <paramref name="address"/>, as perf's symbols__find: start ≤ address &lt; end (or the
    /// address of a symbol of no size).</summary>
    public string? Find(ulong address)
    {
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

        var s = symbols[i];
        if (!s.Sized)
        {
            // A label inside a function (an assembler routine's inner entry): the function it lies in names the
            // address, as perf finds it first.
            for (int j = i - 1; j >= 0 && j >= i - 64; j--)
            {
                if (symbols[j].Sized && symbols[j].Start <= address && address < symbols[j].End)
                {
                    return symbols[j].Name;
                }
            }
        }

        return address < s.End ? s.Name : null;
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
