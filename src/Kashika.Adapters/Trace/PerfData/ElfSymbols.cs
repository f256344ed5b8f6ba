using System.Globalization;
using System.Text;

namespace Kashika.Adapters.Trace.PerfData;

/// <summary>
/// A module's symbols from its ELF file, as perf reads them (dso__load_sym): .symtab when the file has one, else .dynsym;
/// functions and objects with a name in an allocated section, and labels in text sections; addresses as perf looks them
/// up (executables' symbols moved from virtual addresses to file offsets, as their mappings are found by offset).
/// </summary>
internal static class ElfSymbols
{
    private const int SymbolObject = 1, SymbolFunction = 2, SymbolNoType = 0, SymbolIndirectFunction = 10;
    private const int BindGlobal = 1, BindWeak = 2, VisibilityInternal = 1, VisibilityHidden = 2, SymbolSize = 24;
    private const ushort SectionUndefined = 0, SectionAbsolute = 0xfff1;

    /// <summary>What reading a damaged ELF file throws (its headers point anywhere).</summary>
    public static bool IsDamaged(Exception e) =>
        e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException or OverflowException or IndexOutOfRangeException;

    /// <summary>The build id of an ELF file (NT_GNU_BUILD_ID), lower-case hex; null when it has none or is not ELF.</summary>
    public static string? BuildId(string path)
    {
        using var elf = Open(path);
        return elf is null ? null : BuildId(elf);
    }

    /// <summary>Opens an ELF file of 64 bits; null when it is missing, unreadable, damaged or not such a file.</summary>
    public static ElfFile? Open(string path)
    {
        try
        {
            // Only a regular file of an ELF header's size or more: a FIFO or a device a recording names (0 bytes long)
            // would block or never end.
            var info = new FileInfo(path);
            return info.Exists && info.Length >= 64 ? ElfFile.Open(path) : null;
        }
        catch (Exception e) when (IsDamaged(e))
        {
            // A damaged or foreign file is no module's symbols: perf too goes on without them.
            return null;
        }
    }

    /// <summary>An ELF image in memory (the running vdso); null when it is not one of 64 bits.</summary>
    public static ElfFile? Open(byte[] image)
    {
        try
        {
            return ElfFile.Open(image);
        }
        catch (Exception e) when (IsDamaged(e))
        {
            return null;
        }
    }

    public static string? BuildId(ElfFile elf)
    {
        try
        {
            // A note section may hold several notes (the vdso's .note: Linux's, then GNU's build id).
            foreach (var section in elf.Sections)
            {
                if (section.Type == ElfSection.Note && BuildIdNote(elf.Contents(section)) is { } id)
                {
                    return id;
                }
            }
        }
        catch (Exception e) when (IsDamaged(e))
        {
            // No build id can be read: the file matches none.
        }

        return null;
    }

    /// <summary>The GNU build id among ELF notes (namesz, descsz, type, name, desc, each padded to 4 bytes).</summary>
    public static string? BuildIdNote(byte[] notes)
    {
        for (int at = 0; at + 12 <= notes.Length;)
        {
            int nameSize = BitConverter.ToInt32(notes, at), descSize = BitConverter.ToInt32(notes, at + 4), type = BitConverter.ToInt32(notes, at + 8);
            int name = at + 12;
            if (nameSize < 0 || descSize < 0 || nameSize > notes.Length - name)
            {
                return null;
            }

            int desc = name + ((nameSize + 3) & ~3);
            if (descSize > notes.Length - desc)
            {
                return null;
            }

            if (type == 3 && nameSize == 4 && notes.AsSpan(name, 4).SequenceEqual("GNU\0"u8))
            {
                return Convert.ToHexStringLower(notes, desc, descSize);
            }

            at = desc + ((descSize + 3) & ~3);
        }

        return null;
    }

    /// <summary>Whether the file has a full symbol table (.symtab), which perf prefers to .dynsym.</summary>
    public static bool HasSymtab(ElfFile elf) => elf.FirstOfType(ElfSection.SymbolTable) is not null;

    /// <summary>Whether the file has dynamic symbols (.dynsym): it is the module as loaded, not a debug file.</summary>
    public static bool HasDynsym(ElfFile elf) => elf.FirstOfType(ElfSection.DynamicSymbols) is not null;

    /// <summary>Where a file's loadable segments are: virtual address, file offset and size in memory.</summary>
    public static List<(ulong Address, ulong Offset, ulong Size)> Loads(ElfFile elf) =>
        [.. elf.Segments.Where(s => s.Type == ElfSegment.Load).Select(s => (s.Address, s.Offset, Math.Max(s.MemorySize, s.FileSize)))];

    /// <summary>The file's symbols as perf 6 reads a user-space module's: moved from virtual addresses to file offsets
    /// (each by the loadable segment of <paramref name="loads"/> holding it, else by its section), as its mappings are
    /// found by offset.</summary>
    /// <param name="loads">The segments of the module itself (a separate debug file's symbols are placed by them).</param>
    public static List<Symbol> Read(ElfFile elf, IReadOnlyList<(ulong Address, ulong Offset, ulong Size)> loads)
    {
        var symbols = new List<Symbol>();
        if ((elf.FirstOfType(ElfSection.SymbolTable) ?? elf.FirstOfType(ElfSection.DynamicSymbols)) is not { } table)
        {
            return symbols;
        }

        var sections = elf.Sections;
        byte[] entries = elf.Contents(table);
        byte[] names = table.Link < sections.Count ? elf.Contents(sections[(int)table.Link]) : [];
        int size = table.EntrySize >= SymbolSize && table.EntrySize <= int.MaxValue ? (int)table.EntrySize : SymbolSize;
        for (int at = 0; at + SymbolSize <= entries.Length; at += size)
        {
            // Elf64_Sym: name, info (binding << 4 | type), other (visibility), section, value, size.
            uint name = ElfFile.U32(entries, at);
            int type = entries[at + 4] & 0xf, bind = entries[at + 4] >> 4, visibility = entries[at + 5] & 3;
            ushort index = ElfFile.U16(entries, at + 6);
            if (name == 0 || index == SectionUndefined || index >= sections.Count)
            {
                continue;
            }

            bool label = type == SymbolNoType && index != SectionAbsolute && visibility is not (VisibilityInternal or VisibilityHidden);
            if (!label && type is not (SymbolFunction or SymbolIndirectFunction or SymbolObject))
            {
                continue;
            }

            var section = sections[index];
            if ((section.Flags & ElfSection.Allocated) == 0 || (label && !section.Name.Contains("text", StringComparison.Ordinal)))
            {
                continue;
            }

            string text = ElfFile.String(names, name);
            if (text.Length == 0)
            {
                continue;
            }

            ulong value = ElfFile.U64(entries, at + 8), length = ElfFile.U64(entries, at + 16);
            int load = loads.Count - 1;
            while (load >= 0 && !(value >= loads[load].Address && value - loads[load].Address < loads[load].Size))
            {
                load--;
            }

            value = unchecked(value - (load >= 0 ? loads[load].Address - loads[load].Offset : section.Address - section.Offset));
            var binding = bind switch
            {
                BindGlobal => SymbolBinding.Global,
                BindWeak => SymbolBinding.Weak,
                _ => SymbolBinding.Local,
            };
            symbols.Add(new Symbol(value, length > ulong.MaxValue - value ? ulong.MaxValue : value + length, binding, text));
        }

        return symbols;
    }

    /// <summary>
    /// The PLT entries perf names ("printf@plt", perf 6.1's dso__synthesize_plt_symbols): one per relocation of .rela.plt
    /// (or .rel.plt) whose symbols are .dynsym's, in that order, each of .plt's entry size, after a header of that size,
    /// at the file offset of .plt.
    /// </summary>
    public static List<Symbol> Plt(ElfFile elf)
    {
        var plts = new List<Symbol>();
        var relocations = elf.Section(".rela.plt") ?? elf.Section(".rel.plt");
        var plt = elf.Section(".plt");
        var dynsym = elf.Section(".dynsym");
        if (relocations is null || plt is null || dynsym is null || dynsym.Type != ElfSection.DynamicSymbols
            || relocations.Type is not (ElfSection.RelocationsWithAddends or ElfSection.Relocations) || relocations.EntrySize == 0)
        {
            return plts;
        }

        byte[] symbols = elf.Contents(dynsym);
        byte[] names = dynsym.Link < elf.Sections.Count ? elf.Contents(elf.Sections[(int)dynsym.Link]) : [];
        int size = dynsym.EntrySize >= SymbolSize && dynsym.EntrySize <= int.MaxValue ? (int)dynsym.EntrySize : SymbolSize;
        byte[] table = elf.Contents(relocations);
        ulong entry = plt.EntrySize;
        ulong at = plt.Offset + entry;
        for (ulong i = 0; i + relocations.EntrySize <= (ulong)table.Length && i + 16 <= (ulong)table.Length; i += relocations.EntrySize)
        {
            ulong symbol = ElfFile.U64(table, (int)i + 8) >> 32;
            string name = symbol < (ulong)(symbols.Length / size) ? ElfFile.String(names, ElfFile.U32(symbols, (int)symbol * size)) : "";
            plts.Add(new Symbol(at, unchecked(at + entry), SymbolBinding.Global, name + "@plt"));
            at = unchecked(at + entry);
        }

        return plts;
    }

    /// <summary>The file named by .gnu_debuglink, when it has one.</summary>
    public static string? DebugLink(ElfFile elf)
    {
        try
        {
            byte[] contents = elf.Section(".gnu_debuglink") is { } section ? elf.Contents(section) : [];
            int end = Array.IndexOf(contents, (byte)0);
            // A name, not a path: a recording's binary cannot send the search elsewhere.
            string name = end > 0 ? Encoding.UTF8.GetString(contents, 0, end) : "";
            return name.Length > 0 && !name.Contains('/', StringComparison.Ordinal) && name is not ("." or "..") ? name : null;
        }
        catch (Exception e) when (IsDamaged(e))
        {
            return null;
        }
    }

    /// <summary>kallsyms text ("ffffffff81000000 T _text", "… t name\t[module]"): the symbols perf keeps (text, weak,
    /// data and bss), each of no size, their name as perf keeps it (a module's with its "\t[module]").</summary>
    public static List<Symbol> Kallsyms(TextReader reader)
    {
        var symbols = new List<Symbol>();
        while (reader.ReadLine() is { } line)
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || space + 3 >= line.Length || line[space + 2] != ' '
                || !ulong.TryParse(line.AsSpan(0, space), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong address))
            {
                continue;
            }

            char type = line[space + 1];
            string name = line[(space + 3)..];
            if (char.ToUpperInvariant(type) is not ('T' or 'W' or 'D' or 'B') || name.StartsWith('$'))
            {
                continue;
            }

            var binding = type == 'W' ? SymbolBinding.Weak : char.IsUpper(type) ? SymbolBinding.Global : SymbolBinding.Local;
            symbols.Add(new Symbol(address, address, binding, name));
        }

        return symbols;
    }
}
