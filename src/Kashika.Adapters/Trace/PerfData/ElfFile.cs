using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Kashika.Adapters.Trace.PerfData;

/// <summary>A section header of an ELF file: what it is, where it is loaded and where its bytes are.</summary>
internal sealed record ElfSection(int Index, string Name, uint Type, ulong Flags, ulong Address, ulong Offset, ulong Size, uint Link, ulong EntrySize)
{
    public const uint SymbolTable = 2, Note = 7, NoBits = 8, Relocations = 9, RelocationsWithAddends = 4, DynamicSymbols = 11;
    public const ulong Allocated = 2;
}

/// <summary>A program header of an ELF file (a loadable segment: <c>PT_LOAD</c>, type 1).</summary>
internal readonly record struct ElfSegment(uint Type, ulong Address, ulong Offset, ulong FileSize, ulong MemorySize)
{
    public const uint Load = 1;
}

/// <summary>
/// An ELF file of 64 bits, little-endian (what perf records on x86-64 and arm64), read as far as symbols need: its
/// section and program headers, and a section's bytes when asked, never the whole file. Every offset and size the
/// file states is checked against its length: a damaged file throws <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class ElfFile : IDisposable
{
    private readonly SafeFileHandle? handle;
    private readonly byte[]? image;
    private readonly long length;

    private ElfFile(SafeFileHandle? handle, byte[]? image, long length)
    {
        this.handle = handle;
        this.image = image;
        this.length = length;
    }

    public IReadOnlyList<ElfSection> Sections { get; private set; } = [];

    public IReadOnlyList<ElfSegment> Segments { get; private set; } = [];

    /// <summary>The file at a path; null when it is not an ELF file of 64 bits, little-endian.</summary>
    /// <exception cref="InvalidDataException">Its headers point past its end.</exception>
    public static ElfFile? Open(string path)
    {
        var handle = File.OpenHandle(path);
        var elf = new ElfFile(handle, null, RandomAccess.GetLength(handle));
        try
        {
            if (elf.ReadHeaders())
            {
                return elf;
            }
        }
        catch
        {
            elf.Dispose();
            throw;
        }

        elf.Dispose();
        return null;
    }

    /// <summary>An ELF image in memory (the running vdso); null when it is not one of 64 bits, little-endian.</summary>
    public static ElfFile? Open(byte[] image)
    {
        var elf = new ElfFile(null, image, image.Length);
        return elf.ReadHeaders() ? elf : null;
    }

    /// <summary>A section's bytes (none for a section of no bits, .bss).</summary>
    public byte[] Contents(ElfSection section) =>
        section.Type == ElfSection.NoBits ? [] : Read(section.Offset, section.Size, section.Name);

    public ElfSection? Section(string name) => Sections.FirstOrDefault(s => s.Name == name);

    public ElfSection? FirstOfType(uint type) => Sections.FirstOrDefault(s => s.Type == type);

    public void Dispose() => handle?.Dispose();

    private bool ReadHeaders()
    {
        if (length < 64)
        {
            return false;
        }

        var header = Read(0, 64, "the ELF header");
        // "\x7fELF", class 2 (64 bits), data 1 (little-endian).
        if (!header.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) || header[4] != 2 || header[5] != 1)
        {
            return false;
        }

        ulong programOffset = U64(header, 32), sectionOffset = U64(header, 40);
        int programSize = U16(header, 54), programCount = U16(header, 56);
        int sectionSize = U16(header, 58), sectionCount = U16(header, 60), namesIndex = U16(header, 62);

        if (programCount > 0)
        {
            if (programSize < 56)
            {
                throw new InvalidDataException($"program headers of {programSize} bytes, fewer than 56");
            }

            var table = Read(programOffset, (ulong)programSize * (ulong)programCount, "the program headers");
            var segments = new ElfSegment[programCount];
            for (int i = 0; i < programCount; i++)
            {
                int at = i * programSize;
                segments[i] = new ElfSegment(U32(table, at), U64(table, at + 16), U64(table, at + 8), U64(table, at + 32), U64(table, at + 40));
            }

            Segments = segments;
        }

        if (sectionCount > 0)
        {
            if (sectionSize < 64)
            {
                throw new InvalidDataException($"section headers of {sectionSize} bytes, fewer than 64");
            }

            var table = Read(sectionOffset, (ulong)sectionSize * (ulong)sectionCount, "the section headers");
            var raw = new (uint Name, uint Type, ulong Flags, ulong Address, ulong Offset, ulong Size, uint Link, ulong EntrySize)[sectionCount];
            for (int i = 0; i < sectionCount; i++)
            {
                int at = i * sectionSize;
                raw[i] = (U32(table, at), U32(table, at + 4), U64(table, at + 8), U64(table, at + 16), U64(table, at + 24), U64(table, at + 32), U32(table, at + 40), U64(table, at + 56));
            }

            byte[] names = namesIndex < sectionCount && raw[namesIndex].Type != ElfSection.NoBits
                ? Read(raw[namesIndex].Offset, raw[namesIndex].Size, "the section names")
                : [];
            var sections = new ElfSection[sectionCount];
            for (int i = 0; i < sectionCount; i++)
            {
                var r = raw[i];
                sections[i] = new ElfSection(i, String(names, r.Name), r.Type, r.Flags, r.Address, r.Offset, r.Size, r.Link, r.EntrySize);
            }

            Sections = sections;
        }

        return true;
    }

    /// <summary>The NUL-terminated UTF-8 string at an offset of a string table ("" past its end).</summary>
    public static string String(byte[] table, uint offset)
    {
        if (offset >= table.Length)
        {
            return "";
        }

        var rest = table.AsSpan((int)offset);
        int end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }

    private byte[] Read(ulong offset, ulong size, string what)
    {
        if (size > (ulong)Array.MaxLength || offset > (ulong)length || size > (ulong)length - offset)
        {
            throw new InvalidDataException($"{what} ({size} bytes at {offset}) lie past the file's end ({length} bytes)");
        }

        if (image is not null)
        {
            return image.AsSpan((int)offset, (int)size).ToArray();
        }

        var bytes = new byte[size];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(handle!, bytes.AsSpan(read), (long)offset + read);
            if (n == 0)
            {
                throw new InvalidDataException($"{what} end early: the file is shorter than it was");
            }

            read += n;
        }

        return bytes;
    }

    public static ushort U16(byte[] bytes, int at) => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));

    public static uint U32(byte[] bytes, int at) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));

    public static ulong U64(byte[] bytes, int at) => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
}
