using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Kashika.Adapters.Git.Native;

/// <summary>
/// Inflates zlib streams in place in a mapped pack. With libdeflate (Debian's libdeflate0) each object is inflated whole in
/// one call, its checksum verified: a third faster over 32 repositories than the system zlib inflating commit headers
/// only, since a stream's setup, not its bytes, is what a small object costs. Without it (or with
/// KASHIKA_NO_LIBDEFLATE=1) .NET's zlib inflates, and a commit only up to its header's blank line.
/// </summary>
internal static unsafe partial class Zlib
{
    private const int HeaderChunk = 512;
    private const int Success = 0;

    [ThreadStatic]
    private static nint decompressor;

    private static readonly bool Available = Environment.GetEnvironmentVariable("KASHIKA_NO_LIBDEFLATE") is not { Length: > 0 } && Probe();

    [LibraryImport("libdeflate.so.0", EntryPoint = "libdeflate_alloc_decompressor")]
    private static partial nint AllocDecompressor();

    [LibraryImport("libdeflate.so.0", EntryPoint = "libdeflate_zlib_decompress_ex")]
    private static partial int Decompress(nint decompressor, byte* input, nuint inputBytes, byte* output, nuint outputBytes, nuint* inputUsed, nuint* outputMade);

    private static bool Probe()
    {
        try
        {
            return Decompressor() != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // One per thread that ever inflated, kept for the life of the process (a few kilobytes each).
    private static nint Decompressor() => decompressor != 0 ? decompressor : decompressor = AllocDecompressor();

    /// <summary>The object of <paramref name="size"/> bytes whose zlib stream starts at <paramref name="offset"/>: whole,
    /// or with <paramref name="headerOnly"/> at least up to its first blank line.</summary>
    /// <param name="reuse">A buffer to inflate into when it is large enough (the result may be it).</param>
    public static byte[] Inflate(MappedFile file, long offset, int size, bool headerOnly, out int length, byte[]? reuse = null)
    {
        if (!Available)
        {
            return InflateManaged(file.Stream(offset), size, headerOnly, file.Path, out length);
        }

        var input = file.Span(offset, int.MaxValue);
        var buffer = reuse is not null && reuse.Length >= size ? reuse : new byte[size];
        nuint used, made;
        int result;
        fixed (byte* from = input)
        fixed (byte* to = buffer)
        {
            result = Decompress(Decompressor(), from, (nuint)input.Length, to, (nuint)size, &used, &made);
        }

        if (result != Success || made != (nuint)size)
        {
            throw new InvalidDataException($"{file.Path}: corrupt object data at {offset} (or not the size its header says)");
        }

        length = size;
        return buffer;
    }

    private static byte[] InflateManaged(Stream compressed, int size, bool headerOnly, string source, out int length)
    {
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        var buffer = new byte[headerOnly ? Math.Min(size, HeaderChunk) : size];
        length = 0;
        while (true)
        {
            int read = zlib.Read(buffer, length, buffer.Length - length);
            int searchFrom = Math.Max(0, length - 1);
            length += read;
            if (length == size || (headerOnly && buffer.AsSpan(searchFrom, length - searchFrom).IndexOf("\n\n"u8) >= 0))
            {
                if (length == size && zlib.ReadByte() >= 0)
                {
                    throw new InvalidDataException($"{source}: an object is longer than its header says");
                }

                return buffer;
            }

            if (read == 0)
            {
                throw new InvalidDataException($"{source}: an object is shorter than its header says");
            }

            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(size, buffer.Length * 2L));
            }
        }
    }
}
