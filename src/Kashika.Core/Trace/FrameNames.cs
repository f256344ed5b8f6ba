namespace Kashika.Core.Trace;

/// <summary>Clean-up of perf's symbol names, as stackcollapse-perf.pl does it (with its template defect fixed).</summary>
public static class FrameNames
{
    /// <summary>
    /// ';' is the folded format's separator and becomes ':'; arguments ("(int, char*)") and what follows them go, except in
    /// Go method names ("net/http.(*Client).Do") and C++ "(anonymous namespace)"; quotes go.
    /// </summary>
    public static string Tidy(string func)
    {
        func = func.Replace(';', ':');
        if (!IsGoMethod(func))
        {
            int cut = ArgumentsStart(func);
            if (cut >= 0)
            {
                func = func[..cut];
            }
        }

        return func.Contains('"', StringComparison.Ordinal) || func.Contains('\'', StringComparison.Ordinal)
            ? func.Replace("\"", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal)
            : func;
    }

    // /\.\(.*\)\./: a ".(" later followed by ")."
    private static bool IsGoMethod(string func)
    {
        int open = func.IndexOf(".(", StringComparison.Ordinal);
        return open >= 0 && func.IndexOf(").", open + 2, StringComparison.Ordinal) >= 0;
    }

    /// <summary>
    /// Where the argument list starts: the first '(' outside template brackets and a lambda's braces that does not open
    /// "(anonymous namespace)" nor the enclosing function of a local name ("f(int)::"). stackcollapse-perf.pl cut at the
    /// first '(' even inside a template ("std::function&lt;int (int)&gt;") or a lambda ("main::{lambda(long)#1}", all of
    /// a function's lambdas one frame); the '&lt;' of an operator name ("operator&lt;&lt;") is not a bracket.
    /// </summary>
    public static int ArgumentsStart(string func)
    {
        int depth = 0;
        for (int i = 0; i < func.Length; i++)
        {
            char c = func[i];
            if (c == 'o' && func.AsSpan(i).StartsWith("operator", StringComparison.Ordinal) && (i == 0 || !IsIdentifier(func[i - 1])))
            {
                i += "operator".Length;
                if (func.AsSpan(i).StartsWith("()", StringComparison.Ordinal))
                {
                    i += 2; // the call operator's name, as perf report shows it: "Functor::operator()"
                }

                while (i < func.Length && func[i] is '<' or '>' or '=' or '-' or '!' or '+' or '*' or '/' or '%' or '^' or '&' or '|' or '~' or ',')
                {
                    i++;
                }

                i--;
            }
            else if (c is '<' or '{')
            {
                depth++;
            }
            else if (c is '>' or '}' && depth > 0)
            {
                depth--;
            }
            else if (c == '(' && depth == 0 && !func.AsSpan(i + 1).StartsWith("anonymous namespace)", StringComparison.Ordinal))
            {
                // A function's own parentheses followed by "::" name the function a local class or lambda is in
                // ("driver(int)::{lambda(long)#1}::operator()"): part of the name, not its argument list.
                int close = Closing(func, i);
                if (close < 0 || !func.AsSpan(close + 1).StartsWith("::", StringComparison.Ordinal))
                {
                    return i;
                }

                i = close;
            }
        }

        return -1;
    }

    // The ')' that closes the '(' at open, or -1.
    private static int Closing(string func, int open)
    {
        int depth = 0;
        for (int i = open; i < func.Length; i++)
        {
            if (func[i] == '(')
            {
                depth++;
            }
            else if (func[i] == ')' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsIdentifier(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>
    /// Whether perf's module name is kernel code: <c>[kernel.kallsyms]</c>, a module perf names in brackets
    /// (<c>[nf_conntrack]</c>), a kernel image (<c>vmlinux</c>, <c>/usr/lib/debug/boot/vmlinux-5.4.0-42-generic</c>) or a
    /// module file (<c>….ko</c>, compressed or not). The bracketed names of user-space mappings (<c>[vdso]</c>,
    /// <c>[heap]</c>, <c>[unknown]</c>, …) are not.
    /// </summary>
    public static bool IsKernelModule(ReadOnlySpan<char> module)
    {
        if (module.Length > 2 && module[0] == '[' && module[^1] == ']')
        {
            var name = module[1..^1];
            return !(name is "vdso" or "vsyscall" or "vectors" or "heap" or "stack" or "unknown" or "uprobes" or "sigpage" or "vvar"
                || name.StartsWith("anon", StringComparison.Ordinal) || name.StartsWith("stack:", StringComparison.Ordinal));
        }

        var file = module[(module.LastIndexOf('/') + 1)..];
        return file.StartsWith("vmlinux", StringComparison.Ordinal)
            || file.EndsWith(".ko", StringComparison.Ordinal) || file.EndsWith(".ko.xz", StringComparison.Ordinal)
            || file.EndsWith(".ko.gz", StringComparison.Ordinal) || file.EndsWith(".ko.zst", StringComparison.Ordinal);
    }

    /// <summary>
    /// The root frame naming a sampled thread, as stackcollapse-perf.pl names it: <c>comm</c>, <c>comm-pid</c> with
    /// <see cref="CollapseOptions.Pid"/>, <c>comm-pid/tid</c> with <see cref="CollapseOptions.Tid"/>; spaces become '_' (and
    /// ';', which stackcollapse-perf.pl leaves to split the stack, ':').
    /// Written into <paramref name="into"/> (comm, pid and tid lengths and 2 more), its length returned.
    /// </summary>
    public static int ThreadName(ReadOnlySpan<char> comm, ReadOnlySpan<char> pid, ReadOnlySpan<char> tid, CollapseOptions options, Span<char> into)
    {
        comm.CopyTo(into);
        int length = comm.Length;
        if (options.Tid || options.Pid)
        {
            into[length++] = '-';
            pid.CopyTo(into[length..]);
            length += pid.Length;
            if (options.Tid)
            {
                into[length++] = '/';
                tid.CopyTo(into[length..]);
                length += tid.Length;
            }
        }

        into[..length].Replace(' ', '_');
        // A ';' would split the thread into two frames of the folded stack: as in function names, it becomes ':'.
        into[..length].Replace(';', ':');
        return length;
    }

    /// <summary>/tmp/perf-PID.map: symbols a JIT (Java, .NET, V8) wrote for perf.</summary>
    public static bool IsPerfMap(ReadOnlySpan<char> module)
    {
        int at = module.IndexOf("/tmp/perf-", StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        var rest = module[(at + "/tmp/perf-".Length)..];
        int digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
        {
            digits++;
        }

        return digits > 0 && rest[digits..].StartsWith(".map", StringComparison.Ordinal);
    }

    /// <summary>…/jitted-PID-N.so: code a JIT described with jitdump (perf inject --jit).</summary>
    public static bool IsJitDump(ReadOnlySpan<char> module)
    {
        var name = module[(module.LastIndexOf('/') + 1)..];
        return name.StartsWith("jitted-", StringComparison.Ordinal) && name.EndsWith(".so", StringComparison.Ordinal);
    }

    /// <summary>A -F +srcline line without its "[...]" parts and surrounding spaces: "file.cpp:137", or empty.</summary>
    public static string Srcline(ReadOnlySpan<char> line)
    {
        var text = new System.Text.StringBuilder(line.Length);
        int depth = 0;
        foreach (char c in line)
        {
            // Perl's s/\[.*?\]//g: each '[' up to the next ']' goes.
            if (depth == 0 && c == '[')
            {
                depth = 1;
            }
            else if (depth == 1 && c == ']')
            {
                depth = 0;
            }
            else if (depth == 0)
            {
                text.Append(c);
            }
        }

        return text.ToString().Trim(" \t\n\r\f\v".ToCharArray());
    }
}
