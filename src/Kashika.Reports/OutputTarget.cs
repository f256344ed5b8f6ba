using System.Runtime.InteropServices;

namespace Kashika.Reports;

/// <summary>What an output path names, decided before writing: a file to replace atomically, or something to write in place.</summary>
internal static partial class OutputTarget
{
    /// <summary>
    /// Whether the report goes straight into <paramref name="full"/> rather than through a temporary file and a rename:
    /// a device, a FIFO or a socket (renaming over one would replace the node itself), and a link under /dev or /proc
    /// (/dev/stdout, /proc/self/fd/N name an open file, not a place).
    /// </summary>
    public static bool WrittenInPlace(string full) =>
        Kind(full) is FileKind.Special
        || ((full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal)) && new FileInfo(full).LinkTarget is not null);

    /// <summary>The file a rename must replace: the final target of a symbolic link (the link itself stays), else the path.</summary>
    public static string Replaced(string full)
    {
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full; // a link loop: the rename fails later with the system's own message
        }
    }

    private enum FileKind
    {
        Missing,
        Regular,
        Directory,
        Special,
    }

    // The type of what PATH names, following symbolic links. statx's buffer has one layout on every architecture.
    private static FileKind Kind(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return File.Exists(path) ? FileKind.Regular : Directory.Exists(path) ? FileKind.Directory : FileKind.Missing;
        }

        if (Statx(AtCurrentDirectory, path, 0, StatxType, out var status) != 0)
        {
            return FileKind.Missing;
        }

        return (status.Mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            _ => FileKind.Special,
        };
    }

    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 1;

    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, out StatxBuffer buffer);
}
