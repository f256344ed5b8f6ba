using System.Globalization;

namespace Kashika.Adapters.Trace.PerfData;

/// <summary>
/// Finds a module's symbols where perf finds them, checked against the build id perf recorded: for user code the
/// file named by its .gnu_debuglink, perf's build-id cache (~/.debug/.build-id), /usr/lib/debug, then the file itself (a
/// file with a full .symtab wins over one with .dynsym only); the kernel's from /proc/kallsyms when the recording is of
/// this kernel, else from the kallsyms perf record kept in its cache; JIT code from perf's /tmp/perf-PID.map. Every file
/// is read under <c>symfs</c> when one is given. Symbols are read once a module.
/// </summary>
/// <param name="cache">perf's build-id cache (~/.debug, or an archive's: perf's --buildid-dir).</param>
/// <param name="symfs">A directory that stands for / when looking for modules (perf's --symfs); empty: none.</param>
public sealed class SymbolSource(string cache, string symfs = "")
{
    private readonly Demangler demangler = new();

    /// <summary>What went wrong finding names (c++filt missing), for a warning.</summary>
    public string? Problem => demangler.Problem;
    private string? runningKernelBuildId;
    private bool runningKernelRead;

    /// <summary>Whether kernel frames are named (from kallsyms); off, they are "[unknown]" as without kallsyms.</summary>
    public bool ReadsKernel { get; init; } = true;

    /// <summary>The kernel release the recording was made on (HEADER_OSRELEASE), when it says.</summary>
    public string? KernelRelease { get; init; }

    /// <summary>What was assumed finding symbols, for warnings.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Modules whose symbols were not found, for a warning (perf names their frames "[unknown]" too).</summary>
    public List<string> Missing { get; } = [];

    internal SymbolTable Symbols(Dso dso)
    {
        if (dso.Symbols is { } known)
        {
            return known;
        }

        var table = dso.Kernel ? Kernel(dso) : dso.Name.StartsWith("/tmp/perf-", StringComparison.Ordinal) && dso.Name.EndsWith(".map", StringComparison.Ordinal) ? PerfMap(dso.Name) : User(dso);
        if (table.Count == 0 && !dso.Name.StartsWith("//", StringComparison.Ordinal))
        {
            Missing.Add(dso.Name);
        }

        dso.Symbols = table;
        return table;
    }

    private string Under(string path) => symfs.Length == 0 ? path : Path.Join(symfs, path);

    private SymbolTable User(Dso dso)
    {
        var candidates = new List<string>();
        string path = Under(dso.Name);
        string? id = dso.BuildId;
        if (!dso.Name.StartsWith('/') && dso.Name != "[vdso]")
        {
            return SymbolTable.Empty; // anonymous memory, [heap], [stack], …: no module
        }

        if (dso.Name.StartsWith('/'))
        {
            // Without a build id recorded, the file's own decides which debug files are its (as perf reads it).
            using var binary = ElfSymbols.Open(path);
            id ??= binary is null ? null : ElfSymbols.BuildId(binary);
            if (binary is not null && ElfSymbols.DebugLink(binary) is { } link)
            {
                string dir = Path.GetDirectoryName(dso.Name) ?? "/";
                candidates.Add(Under(Path.Join(dir, link)));
                candidates.Add(Under(Path.Join(dir, ".debug", link)));
                candidates.Add(Under(Path.Join("/usr/lib/debug", dir, link)));
            }
        }

        if (id is { Length: > 2 })
        {
            // perf's build-id cache: .build-id/xx/rest links to the directory of the copies it keeps.
            candidates.Add(Path.Join(cache, ".build-id", id[..2], id[2..], dso.Name == "[vdso]" ? "vdso" : "elf"));
            candidates.Add(Path.Join(cache, ".build-id", id[..2], id[2..], "debug"));
        }

        if (dso.Name.StartsWith('/'))
        {
            candidates.Add(Under(Path.Join("/usr/lib/debug", dso.Name + ".debug")));
            candidates.Add(Under(Path.Join("/usr/lib/debug", dso.Name)));
        }

        if (id is { Length: > 2 })
        {
            candidates.Add(Under(Path.Join("/usr/lib/debug/.build-id", id[..2], id[2..] + ".debug")));
        }

        if (dso.Name.StartsWith('/'))
        {
            candidates.Add(path);
        }

        // As perf's dso__load: symbols from the first file with a .symtab, placed by the segments of the first with a
        // .dynsym (the module itself, the runtime file), whose PLT entries are added; without .symtab, .dynsym's.
        ElfFile? full = null, runtime = null;
        try
        {
            // The vdso of a recording that names no build id for it: perf takes its own process's (util/vdso.c), this
            // machine's. With a build id, perf looks in its cache only: a vdso not kept there is not named.
            var sources = candidates.Select(c => (Func<ElfFile?>)(() => ElfSymbols.Open(c)));
            if (dso.Name == "[vdso]" && dso.BuildId is null)
            {
                sources = sources.Append(() => RunningVdso() is { } image ? ElfSymbols.Open(image) : null);
            }

            foreach (var source in sources)
            {
                var elf = source();
                if (elf is null || (id is not null && ElfSymbols.BuildId(elf) != id))
                {
                    elf?.Dispose();
                    continue;
                }

                bool kept = false;
                if (full is null && ElfSymbols.HasSymtab(elf))
                {
                    full = elf;
                    kept = true;
                }

                if (runtime is null && ElfSymbols.HasDynsym(elf))
                {
                    runtime = elf;
                    kept = true;
                }

                if (!kept)
                {
                    elf.Dispose();
                }

                if (full is not null && runtime is not null)
                {
                    break;
                }
            }

            if ((full ?? runtime) is not { } symbolFile)
            {
                return SymbolTable.Empty;
            }

            var symbols = ElfSymbols.Read(symbolFile, ElfSymbols.Loads(runtime ?? symbolFile));
            var plt = runtime is null ? null : ElfSymbols.Plt(runtime);
            return new SymbolTable(demangler.Demangle(symbols), added: plt is null ? null : demangler.Demangle(plt));
        }
        catch (Exception e) when (ElfSymbols.IsDamaged(e))
        {
            Warnings.Add($"{dso.Name}: a damaged ELF file ({e.Message.TrimEnd('.')}): its frames are named by their module only");
            return SymbolTable.Empty;
        }
        finally
        {
            full?.Dispose();
            if (runtime != full)
            {
                runtime?.Dispose();
            }
        }
    }

    private SymbolTable Kernel(Dso dso)
    {
        if (!ReadsKernel)
        {
            return SymbolTable.Empty;
        }

        string? path = null;
        if (dso.BuildId is null)
        {
            // No build id recorded (perf record -z leaves them out): perf takes the running kernel's symbols.
            path = "/proc/kallsyms";
            if (KernelRelease is { } release && File.Exists("/proc/sys/kernel/osrelease") && File.ReadAllText("/proc/sys/kernel/osrelease").Trim() != release)
            {
                Warnings.Add($"the recording names no kernel build id and was made on kernel {release}, not this machine's: its kernel frames are named from this machine's /proc/kallsyms, as perf does, and may be wrong");
            }
        }
        else if (dso.BuildId is { } id)
        {
            if (id == RunningKernelBuildId())
            {
                path = "/proc/kallsyms";
            }
            else if (new FileInfo(Path.Join(cache, "[kernel.kallsyms]", id, "kallsyms")) is { Exists: true, Length: > 0 })
            {
                path = Path.Join(cache, "[kernel.kallsyms]", id, "kallsyms");
            }
        }

        if (path is null || dso.Name != "[kernel.kallsyms]" || !File.Exists(path))
        {
            return SymbolTable.Empty;
        }

        List<Symbol> symbols;
        try
        {
            using var reader = new StreamReader(path);
            symbols = ElfSymbols.Kallsyms(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return SymbolTable.Empty;
        }

        // kallsyms of another boot of the same kernel: its addresses moved by the difference of _text.
        if (dso.RelocationSymbol is { } reference && symbols.FirstOrDefault(s => s.Name == reference.Name) is { Name: not null } found && found.Start != reference.Address)
        {
            ulong delta = unchecked(reference.Address - found.Start);
            symbols = [.. symbols.Select(s => s with { Start = unchecked(s.Start + delta), End = unchecked(s.End + delta) })];
        }

        // Module symbols ("name\t[module]") belong to the modules' maps, not the kernel's.
        return new SymbolTable(symbols, kallsyms: true, keep: s => !s.Name.Contains('\t', StringComparison.Ordinal));
    }

    private string? RunningKernelBuildId()
    {
        if (!runningKernelRead)
        {
            runningKernelRead = true;
            try
            {
                runningKernelBuildId = ElfSymbols.BuildIdNote(File.ReadAllBytes("/sys/kernel/notes"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                runningKernelBuildId = null;
            }
        }

        return runningKernelBuildId;
    }

    // This process's vdso, read from its own memory (/proc/self/maps and /proc/self/mem); null where that cannot be read.
    private static byte[]? RunningVdso()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                if (!line.EndsWith("[vdso]", StringComparison.Ordinal))
                {
                    continue;
                }

                int dash = line.IndexOf('-', StringComparison.Ordinal), space = line.IndexOf(' ', StringComparison.Ordinal);
                if (dash < 0 || space < dash || !Hex(line.AsSpan(0, dash), out ulong start) || !Hex(line.AsSpan(dash + 1, space - dash - 1), out ulong end) || end <= start || end - start > 1 << 20)
                {
                    return null;
                }

                using var memory = new FileStream("/proc/self/mem", FileMode.Open, FileAccess.Read);
                memory.Position = (long)start;
                var image = new byte[end - start];
                return memory.ReadAtLeast(image, image.Length, throwOnEndOfStream: false) == image.Length ? image : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // No vdso to read here: its frames are named by their module only.
        }

        return null;
    }

    // A hex number as scanf's %llx reads it: "0x" before it or not (.NET writes "0x7f9bc8600000 10000 name").
    private static bool Hex(ReadOnlySpan<char> text, out ulong value) =>
        ulong.TryParse(text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);

    // perf's map of JIT code: "START SIZE name" a line, hex numbers, absolute addresses.
    private static SymbolTable PerfMap(string path)
    {
        var symbols = new List<Symbol>();
        try
        {
            if (new FileInfo(path) is not { Exists: true, Length: > 0 })
            {
                return SymbolTable.Empty; // missing, or a FIFO or device, which would block
            }

            foreach (string line in File.ReadLines(path))
            {
                int first = line.IndexOf(' ', StringComparison.Ordinal);
                int second = first < 0 ? -1 : line.IndexOf(' ', first + 1);
                if (second < 0 || !Hex(line.AsSpan(0, first), out ulong start) || !Hex(line.AsSpan(first + 1, second - first - 1), out ulong size))
                {
                    continue;
                }

                symbols.Add(new Symbol(start, size > ulong.MaxValue - start ? ulong.MaxValue : start + size, SymbolBinding.Global, line[(second + 1)..]));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return SymbolTable.Empty;
        }

        return SymbolTable.InOrderRead(symbols);
    }
}
