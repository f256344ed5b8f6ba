using Kashika.Core.IoStat;

namespace Kashika.Adapters.IoStat;

/// <summary>
/// Reads /proc, /sys and /dev under a root directory: "/" for this machine, or copies of other machines' files. With
/// several roots each sample reads the next one and nothing sleeps (replay). Two conventions of sysstat's test roots
/// are understood, since such roots cannot hold device nodes or symbolic links: a directory listed by a "_list" file
/// lists its entries in that order, a regular file standing where a directory is expected holds the link target, and
/// dev/NAME may be a regular file holding "major minor".
/// </summary>
public sealed class RootSystemSource(IReadOnlyList<string> roots, TimeSpan interval, Action<TimeSpan> sleep) : ISystemSource
{
    private int index;

    private string Root => roots[index];

    public bool Advance()
    {
        if (roots.Count > 1)
        {
            index++;
            return index < roots.Count;
        }

        sleep(interval);
        return true;
    }

    public string? Uptime() => ReadText("proc/uptime");

    public string? Stat() => ReadText("proc/stat");

    public IReadOnlyList<string> Diskstats() =>
        ReadText("proc/diskstats")?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];

    // The kernel writes a '/' in a device name (cciss/c0d0) as '!' in sysfs; iostat shows the '/'.
    public IReadOnlyList<string> BlockDevices() => List("sys/block").Select(n => n.Replace('!', '/')).ToList();

    public string? BlockStat(string name) => ReadText($"sys/block/{name.Replace('/', '!')}/stat");

    public IReadOnlyList<(string Name, string Stat)> Partitions(string device)
    {
        string folder = $"sys/block/{device.Replace('/', '!')}";
        var found = new List<(string, string)>();
        foreach (string entry in List(folder))
        {
            if (ReadText($"{folder}/{entry}/stat") is { } stat)
            {
                found.Add((entry.Replace('!', '/'), stat));
            }
        }

        return found;
    }

    public string? DevBlockStat(uint major, uint minor) => ReadText($"sys/dev/block/{major}:{minor}/stat");

    public bool IsWholeDevice(string name) => Resolve($"sys/block/{name.Replace('/', '!')}") is { } path && (Directory.Exists(path) || File.Exists(path));

    public (uint Major, uint Minor)? DeviceNumbers(string name)
    {
        string? node = Path.Combine(Root, "dev", name.Replace('!', '/'));
        for (int hops = 0; hops < 8 && node is not null && File.Exists(node) && new FileInfo(node).Length is > 0 and < 256; hops++)
        {
            // A test root's regular file: "major minor", or a link target.
            string text = File.ReadAllText(node).Trim();
            var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && uint.TryParse(parts[0], out uint major) && uint.TryParse(parts[1], out uint minor))
            {
                return (major, minor);
            }

            node = parts.Length == 1 ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(node)!, text)) : null;
            name = node is null ? name : Path.GetFileName(node);
        }

        // A real device node: sysfs knows its numbers.
        var dev = ReadText($"sys/class/block/{name.Replace('/', '!')}/dev")?.Trim().Split(':');
        return dev is [var ma, var mi] && uint.TryParse(ma, out uint maj) && uint.TryParse(mi, out uint min) ? (maj, min) : null;
    }

    public uint? DeviceMapperMajor()
    {
        foreach (string line in (ReadText("proc/devices") ?? "").Split('\n'))
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1] == "device-mapper" && uint.TryParse(parts[0], out uint major))
            {
                return major;
            }
        }

        return null;
    }

    public IReadOnlyList<string> DeviceMapperNames() => List("dev/mapper");

    public string? DeviceMapperTarget(string registered) => LinkName(Path.Combine(Root, "dev", "mapper", registered));

    public bool HasPersistentNames(string type) => Directory.Exists(Path.Combine(Root, "dev", "disk", $"by-{type}"));

    public IReadOnlyList<string> PersistentNames(string type) => List($"dev/disk/by-{type}").Order(StringComparer.Ordinal).ToList();

    public string? PersistentTarget(string type, string name) => LinkName(Path.Combine(Root, "dev", "disk", $"by-{type}", name));

    public string? KernelName(uint major, uint minor) => LinkName(Path.Combine(Root, "sys", "dev", "block", $"{major}:{minor}"));

    // The last part of a link's target: a symbolic link, or a test root's regular file holding the target.
    private static string? LinkName(string link)
    {
        try
        {
            var info = new FileInfo(link);
            if (info.LinkTarget is { } target)
            {
                return Path.GetFileName(target);
            }

            // A test root's regular file holding the link target.
            return info.Exists && info.Length is > 0 and < 256 && File.ReadAllText(link).Trim() is var text && text.Contains('/')
                ? Path.GetFileName(text)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string? ReadText(string relative)
    {
        var path = Resolve(relative);
        try
        {
            return path is not null && File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private IReadOnlyList<string> List(string relative)
    {
        var path = Resolve(relative);
        if (path is null || !Directory.Exists(path))
        {
            return [];
        }

        string listing = Path.Combine(path, "_list");
        if (File.Exists(listing))
        {
            return File.ReadAllLines(listing).Where(n => n.Length > 0 && n is not "." and not "..").ToList();
        }

        try
        {
            return Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).OfType<string>().ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    // Walks the path under the root; a regular file met where a directory is needed holds a (relative) link target.
    private string? Resolve(string relative)
    {
        string current = Root;
        var parts = new Queue<string>(relative.Split('/', StringSplitOptions.RemoveEmptyEntries));
        int hops = 0;
        while (parts.Count > 0)
        {
            string part = parts.Dequeue();
            string next = part == ".." ? Path.GetDirectoryName(current) ?? current : Path.Combine(current, part);
            if (parts.Count > 0 && File.Exists(next) && !Directory.Exists(next))
            {
                if (++hops > 16)
                {
                    return null;
                }

                string target = File.ReadAllText(next).Trim();
                var rest = parts.ToList();
                parts = new Queue<string>(target.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                continue; // resolve the target relative to the link's folder (current)
            }

            current = next;
        }

        return current;
    }
}
