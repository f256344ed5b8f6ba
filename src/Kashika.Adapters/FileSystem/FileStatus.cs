using System.Runtime.InteropServices;

namespace Kashika.Adapters.FileSystem;

/// <summary>The kinds of file <see cref="FileStatus.Of"/> tells apart.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    BlockDevice,

    /// <summary>A character device, a FIFO or a socket.</summary>
    OtherSpecial,
}

/// <summary>What a path names, following symbolic links as stat() does: its kind, and a device node's numbers.</summary>
/// <param name="Permissions">The permission bits (rwx for user, group and others, and setuid, setgid, sticky).</param>
public readonly partial record struct FileStatus(FileKind Kind, uint Major = 0, uint Minor = 0, uint Owner = 0, uint Group = 0, UnixFileMode Permissions = 0)
{
    /// <summary>Gives <paramref name="path"/> to <paramref name="owner"/> and <paramref name="group"/>; false where this
    /// process may not (only root gives files away; a user may choose among their own groups).</summary>
    public static bool SetOwner(string path, uint owner, uint group) => OperatingSystem.IsLinux() && Chown(path, owner, group) == 0;

    /// <summary>The user this process acts as (its effective user id); 0 where there are no users.</summary>
    public static uint CurrentUser => OperatingSystem.IsLinux() ? GetEffectiveUser() : 0;

    /// <summary>The status of <paramref name="path"/> (Missing also for a link that leads nowhere or a path not allowed).</summary>
    public static FileStatus Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new(File.Exists(path) ? FileKind.Regular : Directory.Exists(path) ? FileKind.Directory : FileKind.Missing);
        }

        if (Statx(AtCurrentDirectory, path, 0, StatxType, out var status) != 0)
        {
            return new(FileKind.Missing);
        }

        var kind = (status.Mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.OtherSpecial,
        };
        return new(kind, status.DeviceMajor, status.DeviceMinor, status.Owner, status.Group, (UnixFileMode)(status.Mode & 0xFFF));
    }

    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 1 | 2 | 8 | 16; // STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID

    // statx's buffer has one layout on every architecture (linux/stat.h).
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(20)]
        public uint Owner;

        [FieldOffset(24)]
        public uint Group;

        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(128)]
        public uint DeviceMajor;

        [FieldOffset(132)]
        public uint DeviceMinor;
    }

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUser();

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, out StatxBuffer buffer);
}
