using System.IO.MemoryMappedFiles;

namespace Kashika.Adapters.Git.Native;

/// <summary>A file mapped read-only into memory: packs and indexes are read in place, by any number of threads.</summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? map;
    private readonly MemoryMappedViewAccessor? view;
    private readonly byte* start;

    public MappedFile(string path)
    {
        Path = path;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        Length = stream.Length;
        if (Length == 0)
        {
            return; // an empty file cannot be mapped, and has nothing to read
        }

        map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        start += view.PointerOffset;
    }

    public string Path { get; }

    public long Length { get; }

    /// <summary>The bytes from <paramref name="offset"/> on, at most <paramref name="count"/> of them (fewer at the end).</summary>
    public ReadOnlySpan<byte> Span(long offset, int count)
    {
        if (offset < 0 || offset > Length)
        {
            throw new InvalidDataException($"{Path}: offset {offset} is outside the file");
        }

        return new ReadOnlySpan<byte>(start + offset, (int)Math.Min(count, Length - offset));
    }

    /// <summary>A stream over the bytes from <paramref name="offset"/> to the end, for inflating in place.</summary>
    public UnmanagedMemoryStream Stream(long offset)
    {
        if (offset < 0 || offset > Length)
        {
            throw new InvalidDataException($"{Path}: offset {offset} is outside the file");
        }

        return new UnmanagedMemoryStream(start + offset, Length - offset);
    }

    public void Dispose()
    {
        if (view is not null)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
        }

        map?.Dispose();
    }
}
