using Kashika.Core.Common;

namespace Kashika.Adapters.FileSystem;

/// <summary>
/// Small inputs read with a stated cap: a list of names, a mailmap, a /proc file. A path that names something else
/// (/dev/zero, a file of gigabytes) is an input error naming it, never a run that takes all memory.
/// </summary>
public static class BoundedFile
{
    public const long MiB = 1 << 20;

    /// <summary>The bytes of <paramref name="path"/>, at most <paramref name="cap"/> of them.</summary>
    /// <param name="shown">The file as the user named it, for the message.</param>
    /// <exception cref="InputException">It holds more than <paramref name="cap"/> bytes.</exception>
    public static byte[] ReadAllBytes(string path, long cap, string shown)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        var bytes = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (bytes.Length + read > cap)
            {
                throw new InputException($"{shown}: more than {cap / MiB:N0} MiB; a file of this kind is far smaller");
            }

            bytes.Write(buffer, 0, read);
        }

        return bytes.ToArray();
    }

    /// <summary>Checks, without reading it, that <paramref name="path"/> is a regular file of at most <paramref name="cap"/>
    /// bytes (for a file read again and again, such as --aliases by every repository's reader).</summary>
    /// <exception cref="InputException">It is a device, FIFO or folder, or larger.</exception>
    public static void Check(string path, long cap, string shown)
    {
        var file = new FileInfo(path);
        if (FileStatus.Of(path).Kind != FileKind.Regular || file.Length > cap)
        {
            throw new InputException($"{shown}: more than {cap / MiB:N0} MiB, or not a regular file; a file of this kind is far smaller");
        }
    }

    /// <summary>The text of <paramref name="path"/> (UTF-8), at most <paramref name="cap"/> bytes of it.</summary>
    /// <exception cref="InputException">It holds more.</exception>
    public static string ReadAllText(string path, long cap, string shown) => System.Text.Encoding.UTF8.GetString(ReadAllBytes(path, cap, shown));
}
