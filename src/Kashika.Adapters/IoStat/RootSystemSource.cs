using Kashika.Adapters.FileSystem;
using Kashika.Core.IoStat;

namespace Kashika.Adapters.IoStat;

/// <summary>
/// Reads /proc, /sys and /dev under a root directory: "/" for this machine, or copies of other machines' files. With
/// several roots each sample reads the next one and nothing sleeps (replay). Two conventions of sysstat's test roots
/// are understood, since such roots cannot hold device nodes or symbolic links: a directory listed by a "_list" file
/// lists its entries in that order, a regular file standing where a directory is expected holds the link target, and
/// dev/NAME may be a regular file holding "major minor".
/// </summary>
/// <param name="alternate">sysstat's -f/+f DIR: statistics read from DIR (its diskstats, block/, dev/block/) instead of
/// (-f) or as well as (+f) the system's; a relative DIR is taken under each root.</param>
public sealed class RootSystemSource(
    IReadOnlyList<string> roots, TimeSpan interval, Action<TimeSpan> sleep, string? alternate = null, bool alternateAsWell = false) : ISystemSource
{
    private int index;

    private string Root => roots[index];

    /// <summary>The most a /proc or /sys file is read of (/proc/stat of thousands of CPUs is a few megabytes): a file
    /// linked to /dev/zero is an input error, not a run that takes all memory.</summary>
    public const long MaxFile = 64 * BoundedFile.MiB;

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

    // Where statistics are read: the system's sys/ (unless -f), then the alternate directory (with -f or +f).
    private bool UseSystem => alternate is null || alternateAsWell;

    private string? Alternate => alternate is null ? null : Path.IsPathRooted(alternate) ? alternate : Path.Combine(Root, alternate);

    public IReadOnlyList<string> Diskstats()
    {
        var lines = new List<string>();
        if (UseSystem)
        {
            lines.AddRange(ReadText("proc/diskstats")?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? []);
        }

        if (Alternate is { } alt)
        {
            lines.AddRange(ReadText(Path.Combine(alt, "diskstats"))?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? []);
        }

        return lines;
    }

    public IReadOnlyList<(string Name, string Stat)> BlockDevices()
    {
        var found = new List<(string, string)>();
        foreach (string block in Directories("block"))
        {
            foreach (string entry in List(block))
            {
                if (ReadText($"{block}/{entry}/stat") is { } stat)
                {
                    // The kernel writes a '/' in a device name (cciss/c0d0) as '!' in sysfs; iostat shows the '/'.
                    found.Add((entry.Replace('!', '/'), stat));
                }
            }
        }

        return found;
    }

    public string? BlockStat(string name) => FirstOf("block", $"{name.Replace('/', '!')}/stat", ReadText);

    public IReadOnlyList<(string Name, string Stat)> Partitions(string device)
    {
        var found = new List<(string, string)>();
        string? folder = FirstOf("block", device.Replace('/', '!'), f => Resolve(f) is { } p && Directory.Exists(p) ? f : null);
        foreach (string entry in folder is null ? [] : List(folder))
        {
            if (ReadText($"{folder}/{entry}/stat") is { } stat)
            {
                found.Add((entry.Replace('!', '/'), stat));
            }
        }

        return found;
    }

    public string? DevBlockStat(uint major, uint minor) => FirstOf("dev/block", $"{major}:{minor}/stat", ReadText);

    public bool IsWholeDevice(string name) =>
        FirstOf("block", name.Replace('/', '!'), f => Resolve(f) is { } p && (Directory.Exists(p) || File.Exists(p)) ? f : null) is not null;

    // The system's sys/ first (unless -f), then the alternate directory when there is one and the system gave nothing
    // (or always, for -f): sysstat's order of precedence for one device's files.
    private T? FirstOf<T>(string under, string relative, Func<string, T?> read)
        where T : class
    {
        T? found = UseSystem ? read($"sys/{under}/{relative}") : null;
        return found is null && Alternate is { } alt ? read(Path.Combine(alt, under, relative)) : found;
    }

    // The block directories listed for "ALL": the system's (unless -f), then the alternate one.
    private IEnumerable<string> Directories(string under)
    {
        if (UseSystem)
        {
            yield return $"sys/{under}";
        }

        if (Alternate is { } alt)
        {
            yield return Path.Combine(alt, under);
        }
    }

    /// <summary>
    /// The numbers of /dev/NAME, found as stat() finds them: symbolic links followed (an absolute target taken under the
    /// root, nothing outside it), a device node's own numbers, a test root's stand-in file ("major minor", or a link
    /// target), else what sysfs says of the name the path leads to.
    /// </summary>
    public (uint Major, uint Minor)? DeviceNumbers(string name)
    {
        string dev = Path.Combine(Root, "dev");
        string? path = Path.Combine(dev, name.Replace('!', '/'));
        for (int hops = 0; hops < 40 && path is not null; hops++)
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target)
            {
                path = Within(Path.GetDirectoryName(path)!, target);
                continue;
            }

            var status = FileStatus.Of(path);
            if (status.Kind == FileKind.BlockDevice)
            {
                return (status.Major, status.Minor);
            }

            if (status.Kind != FileKind.Regular || !HoldsLinkTarget(path))
            {
                break;
            }

            string text;
            try
            {
                text = File.ReadAllText(path).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }

            var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && uint.TryParse(parts[0], out uint major) && uint.TryParse(parts[1], out uint minor))
            {
                return (major, minor);
            }

            path = parts.Length == 1 ? Within(Path.GetDirectoryName(path)!, text) : null;
        }

        if (path is null)
        {
            return null;
        }

        // No node with numbers: sysfs knows the device the path names (cciss/c0d0 is cciss!c0d0 there).
        string relative = Path.GetRelativePath(dev, path);
        string sysfsName = relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFileName(path) : relative.Replace('/', '!');
        var numbers = ReadText($"sys/class/block/{sysfsName}/dev")?.Trim().Split(':');
        return numbers is [var ma, var mi] && uint.TryParse(ma, out uint maj) && uint.TryParse(mi, out uint min) ? (maj, min) : null;
    }

    // Where a link's target leads from FOLDER: an absolute target under the root (a machine's /dev/dm-2 is ROOT/dev/dm-2),
    // a relative one from the folder; null when that is outside the root.
    private string? Within(string folder, string target)
    {
        string root = Path.GetFullPath(Root);
        string full = Path.GetFullPath(Path.IsPathRooted(target) ? Path.Combine(root, target.TrimStart('/')) : Path.Combine(folder, target));
        string inside = root.EndsWith('/') ? root : root + "/";
        return full == root || full.StartsWith(inside, StringComparison.Ordinal) ? full : null;
    }

    public uint? DeviceMapperMajor() => ProcParsers.DeviceMapperMajor(ReadText("proc/devices") ?? "");

    public IReadOnlyList<string> DeviceMapperNames() => List("dev/mapper");

    public string? DeviceMapperTarget(string registered) => LinkName(Path.Combine(Root, "dev", "mapper", registered));

    public bool HasPersistentNames(string type) => Directory.Exists(Path.Combine(Root, "dev", "disk", $"by-{type}"));

    public IReadOnlyList<string> PersistentNames(string type) => List($"dev/disk/by-{type}").Order(StringComparer.Ordinal).ToList();

    public string? PersistentTarget(string type, string name) => LinkName(Path.Combine(Root, "dev", "disk", $"by-{type}", name));

    public string? KernelName(uint major, uint minor) => LinkName(Path.Combine(Root, "sys", "dev", "block", $"{major}:{minor}"));

    // The name a link leads to, as stat() follows it: the last part of the final target of a chain of symbolic links
    // (each taken within the root; the last may lead nowhere), or of the target a test root's regular file holds.
    private string? LinkName(string link)
    {
        try
        {
            string? path = link;
            string? name = null;
            for (int hops = 0; hops < 40 && path is not null && new FileInfo(path).LinkTarget is { } target; hops++)
            {
                name = Path.GetFileName(target);
                path = Within(Path.GetDirectoryName(path)!, target);
            }

            if (name is not null)
            {
                return name;
            }

            // A test root's regular file holding the link target.
            var info = new FileInfo(link);
            return info.Exists && info.Length is > 0 and < 256 && File.ReadAllText(link).Trim() is var text && text.Contains('/')
                ? Path.GetFileName(text)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A file under the current root (its stand-in links followed), within <see cref="MaxFile"/>; null when absent.</summary>
    public string? ReadText(string relative)
    {
        var path = Resolve(relative);
        try
        {
            return path is not null && File.Exists(path) ? BoundedFile.ReadAllText(path, MaxFile, path) : null;
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

    // A test root's stand-in for a symbolic link: a small regular file. A real link, even one that leads nowhere (an
    // absent partition's sys/dev/block/8:1), is left to the file system: what it does not lead to is absent.
    private static bool HoldsLinkTarget(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is null && info.Exists && info.Length is > 0 and < 256;
    }

    // Walks the path under the root; a regular file met where a directory is needed holds a (relative) link target.
    private string? Resolve(string relative)
    {
        if (Path.IsPathRooted(relative))
        {
            // An absolute path (an alternate directory): resolved from its own start.
            string start = Path.GetPathRoot(relative)!;
            return ResolveFrom(start, relative[start.Length..]);
        }

        return ResolveFrom(Root, relative);
    }

    private static string? ResolveFrom(string root, string relative)
    {
        string current = root;
        var parts = new Queue<string>(relative.Split('/', StringSplitOptions.RemoveEmptyEntries));
        int hops = 0;
        while (parts.Count > 0)
        {
            string part = parts.Dequeue();
            string next = part == ".." ? Path.GetDirectoryName(current) ?? current : Path.Combine(current, part);
            if (parts.Count > 0 && HoldsLinkTarget(next))
            {
                if (++hops > 16)
                {
                    return null;
                }

                string target;
                try
                {
                    target = File.ReadAllText(next).Trim();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return null;
                }

                var rest = parts.ToList();
                parts = new Queue<string>(target.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                continue; // resolve the target relative to the link's folder (current)
            }

            current = next;
        }

        return current;
    }
}
