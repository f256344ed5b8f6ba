using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Kashika.Adapters.Git.Native;

/// <summary>
/// Inflates zlib streams in place in a mapped pack, whole or up to a commit header's end (its first blank line). The
/// system's zlib is called directly with one inflater per thread, reset between objects: a new .NET ZLibStream per object
/// allocates and clears its window every time, which cost more than the inflating itself on a pack of small commits.
/// Where libz.so.1 cannot be loaded, ZLibStream does the work.
/// </summary>
internal static unsafe partial class Zlib
{
    // Most commit headers end within 300 bytes (tree, one parent, author, committer); fewer bytes asked, less inflated.
    private const int HeaderChunk = 320;
    [ThreadStatic]
    private static nint idle;
    private static readonly bool Available = Probe();

    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public nuint TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public nuint TotalOut;
        public nint Message;
        public nint State;
        public nint Alloc;
        public nint Free;
        public nint Opaque;
        public int DataType;
        public nuint Adler;
        public nuint Reserved;
    }

    private const int Ok = 0, StreamEnd = 1, BufferError = -5, Finish = 4, NoFlush = 0;

    [LibraryImport("libz.so.1", EntryPoint = "inflateInit_")]
    private static partial int InflateInit(ZStream* stream, byte* version, int size);

    [LibraryImport("libz.so.1", EntryPoint = "inflate")]
    private static partial int InflateStep(ZStream* stream, int flush);

    [LibraryImport("libz.so.1", EntryPoint = "inflateEnd")]
    private static partial int InflateEnd(ZStream* stream);

    [LibraryImport("libz.so.1", EntryPoint = "inflateReset")]
    private static partial int InflateReset(ZStream* stream);

    private static bool Probe()
    {
        try
        {
            Return(Rent());
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static ZStream* Rent()
    {
        if (idle != 0)
        {
            var reused = (ZStream*)idle;
            idle = 0;
            if (InflateReset(reused) != Ok)
            {
                throw new InvalidOperationException("zlib: inflateReset failed");
            }

            return reused;
        }

        var stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        fixed (byte* version = "1.2.0\0"u8)
        {
            if (InflateInit(stream, version, sizeof(ZStream)) != Ok)
            {
                NativeMemory.Free(stream);
                throw new InvalidOperationException("zlib: inflateInit failed");
            }
        }

        return stream;
    }

    // One inflater per thread that ever inflated, kept for the life of the process (a thread's second one, needed only
    // while a delta's base is read inside a read, is freed).
    private static void Return(ZStream* stream)
    {
        if (idle == 0)
        {
            idle = (nint)stream;
        }
        else
        {
            InflateEnd(stream);
            NativeMemory.Free(stream);
        }
    }

    /// <param name="reuse">A buffer to inflate a header into when it is large enough (the result may be it).</param>
    public static byte[] Inflate(MappedFile file, long offset, int size, bool headerOnly, out int length, byte[]? reuse = null)
    {
        if (!Available)
        {
            return InflateManaged(file.Stream(offset), size, headerOnly, file.Path, out length);
        }

        var input = file.Span(offset, int.MaxValue);
        int first = headerOnly ? Math.Min(size, HeaderChunk) : size;
        var buffer = headerOnly && reuse is not null && reuse.Length >= first && reuse.Length <= size ? reuse : new byte[first];
        var stream = Rent();
        try
        {
            fixed (byte* from = input)
            {
                stream->NextIn = from;
                stream->AvailIn = (uint)input.Length;
                length = 0;
                while (true)
                {
                    int status;
                    fixed (byte* to = buffer)
                    {
                        stream->NextOut = to + length;
                        stream->AvailOut = (uint)(buffer.Length - length);
                        status = InflateStep(stream, headerOnly ? NoFlush : Finish);
                        int before = length;
                        length = buffer.Length - (int)stream->AvailOut;
                        if (status is not (Ok or StreamEnd or BufferError) || (status == BufferError && length == before && length < buffer.Length))
                        {
                            throw new InvalidDataException($"{file.Path}: corrupt object data at {offset}");
                        }

                        if (headerOnly && buffer.AsSpan(Math.Max(0, before - 1), length - Math.Max(0, before - 1)).IndexOf("\n\n"u8) >= 0)
                        {
                            return buffer;
                        }
                    }

                    if (length == size)
                    {
                        // A whole object must also end its stream there (the checksum is then verified).
                        if (!headerOnly && status != StreamEnd)
                        {
                            throw new InvalidDataException($"{file.Path}: object at {offset} is longer than its header says");
                        }

                        return buffer;
                    }

                    if (status == StreamEnd)
                    {
                        throw new InvalidDataException($"{file.Path}: object at {offset} is shorter than its header says");
                    }

                    if (length == buffer.Length)
                    {
                        Array.Resize(ref buffer, (int)Math.Min(size, buffer.Length * 2L));
                    }
                }
            }
        }
        finally
        {
            Return(stream);
        }
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
