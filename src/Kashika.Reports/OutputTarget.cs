using Kashika.Adapters.FileSystem;

namespace Kashika.Reports;

/// <summary>What an output path names, decided before writing: a file to replace atomically, or something to write in place.</summary>
internal static class OutputTarget
{
    /// <summary>
    /// Whether the report goes straight into <paramref name="full"/> rather than through a temporary file and a rename:
    /// a device, a FIFO or a socket (renaming over one would replace the node itself), and a link under /dev or /proc
    /// (/dev/stdout, /proc/self/fd/N name an open file, not a place).
    /// </summary>
    public static bool WrittenInPlace(string full) =>
        FileStatus.Of(full).Kind is FileKind.BlockDevice or FileKind.OtherSpecial
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

    /// <summary>The permissions of the regular file a report replaces, or null when there is none (or no Unix modes).</summary>
    public static UnixFileMode? ModeOf(string full) =>
        !OperatingSystem.IsWindows() && FileStatus.Of(full).Kind == FileKind.Regular ? File.GetUnixFileMode(full) : null;

    public static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    /// <summary>Gives the new file the owner and group of the one it replaces, where this process may (root may; a
    /// user may keep a group of theirs); else it stays this process's, as a new file would.</summary>
    public static void KeepOwner(string replaced, string replacement)
    {
        var old = FileStatus.Of(replaced);
        var made = FileStatus.Of(replacement);
        if (old.Kind == FileKind.Regular && (old.Owner != made.Owner || old.Group != made.Group))
        {
            _ = FileStatus.SetOwner(replacement, old.Owner, old.Group) || FileStatus.SetOwner(replacement, made.Owner, old.Group);
        }
    }
}
