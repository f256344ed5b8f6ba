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

    /// <summary>The regular file a report replaces, or null when there is none.</summary>
    public static FileStatus? Replacing(string full) => FileStatus.Of(full) is { Kind: FileKind.Regular } old ? old : null;

    /// <summary>Whether a file was made read-only (no write bit for anyone): on purpose, so it is not replaced unasked.</summary>
    public static bool IsReadOnly(FileStatus file) =>
        OperatingSystem.IsLinux() && (file.Permissions & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0;

    /// <summary>Gives the new file the permissions of the one it replaces (a 0600 report of people's addresses stays
    /// 0600), and its owner and group where this process may (root may; a user may keep a group of theirs).</summary>
    public static void Inherit(FileStatus old, string replacement)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        File.SetUnixFileMode(replacement, old.Permissions);
        var made = FileStatus.Of(replacement);
        if (old.Owner != made.Owner || old.Group != made.Group)
        {
            _ = FileStatus.SetOwner(replacement, old.Owner, old.Group) || FileStatus.SetOwner(replacement, made.Owner, old.Group);
        }
    }
}
