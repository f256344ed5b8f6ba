namespace Kashika.Core.IoStat;

/// <summary>
/// What iostat reads of a machine, as text: implemented over a real or recorded root by the adapters, and by fakes in
/// tests. Each sample may come from a different root (replay).
/// </summary>
public interface ISystemSource
{
    /// <summary>/proc/uptime, or null when unreadable.</summary>
    string? Uptime();

    /// <summary>/proc/stat, or null when unreadable.</summary>
    string? Stat();

    /// <summary>/proc/diskstats lines.</summary>
    IReadOnlyList<string> Diskstats();

    /// <summary>Every whole device of /sys/block with its stat file, in directory order (a later entry of the same
    /// name, from an alternate directory, replaces an earlier one).</summary>
    IReadOnlyList<(string Name, string Stat)> BlockDevices();

    /// <summary>/sys/block/NAME/stat ('/' in NAME is '!'), or null.</summary>
    string? BlockStat(string name);

    /// <summary>The entries of /sys/block/NAME whose stat file can be read, with that file (partitions), in directory order.</summary>
    IReadOnlyList<(string Name, string Stat)> Partitions(string device);

    /// <summary>/sys/dev/block/MAJOR:MINOR/stat, or null.</summary>
    string? DevBlockStat(uint major, uint minor);

    /// <summary>Whether /sys/block/NAME exists: a whole device rather than a partition.</summary>
    bool IsWholeDevice(string name);

    /// <summary>The major and minor numbers of /dev/NAME, or null.</summary>
    (uint Major, uint Minor)? DeviceNumbers(string name);

    /// <summary>The major number of device-mapper devices (/proc/devices), or null.</summary>
    uint? DeviceMapperMajor();

    /// <summary>The names in /dev/mapper, in directory order.</summary>
    IReadOnlyList<string> DeviceMapperNames();

    /// <summary>The file name a link in /dev/mapper points at ("dm-2" for "virtualhd"), or null.</summary>
    string? DeviceMapperTarget(string registered);

    /// <summary>Whether /dev/disk/by-TYPE exists.</summary>
    bool HasPersistentNames(string type);

    /// <summary>The names in /dev/disk/by-TYPE, in byte order.</summary>
    IReadOnlyList<string> PersistentNames(string type);

    /// <summary>The device a persistent name points at ("sda1"), or null.</summary>
    string? PersistentTarget(string type, string name);

    /// <summary>The kernel's name of the device MAJOR:MINOR (/sys/dev/block link), or null.</summary>
    string? KernelName(uint major, uint minor);

    /// <summary>Moves to the next sample's data; false when there is none (a replay has ended).</summary>
    bool Advance();
}
