namespace Kashika.Core.IoStat;

/// <summary>
/// sysstat's iostat, report for report: the same devices in the same order, the same formulas over the same counters,
/// the same columns to the character. Rates divide by the /proc/uptime delta (never by the requested interval); the first
/// report is "since boot".
/// </summary>
public sealed class IoStatEngine
{
    private enum DeviceType
    {
        Partition,
        Whole,
        WholeWithPartitions,
        Group,
    }

    private sealed class Device(string name)
    {
        public string Name { get; } = name;

        public DeviceType Type { get; set; }

        public uint Major { get; set; }

        public uint Minor { get; set; }

        public bool Exists { get; set; }

        /// <summary>For a group: its member devices in the current report.</summary>
        public int Members { get; set; }

        public DiskCounters[] Stats { get; } = new DiskCounters[2];
    }

    private readonly IoStatOptions options;
    private readonly ISystemSource source;
    private readonly List<Device> devices = [];
    private readonly ulong[] uptime = new ulong[2];
    private readonly CpuCounters[] cpu = new CpuCounters[2];

    public IoStatEngine(IoStatOptions options, ISystemSource source)
    {
        this.options = options;
        this.source = source;
        foreach (var requested in options.Devices)
        {
            if (requested.IsGroup)
            {
                // From the first group on, devices are kept in the order met: a group gathers those that follow it.
                groupDefined = true;
                devices.Add(new Device(" " + requested.Name) { Type = DeviceType.Group, Exists = true });
                continue;
            }

            // A persistent name on the command line (-j UUID 2578…) stands for the device it points at.
            string name = options.PersistentNameType is { } type ? source.PersistentTarget(type, requested.Name) ?? requested.Name : requested.Name;
            Add(name, requested.WithPartitions ? DeviceType.WholeWithPartitions : DeviceType.Partition, null);
        }
    }

    private readonly bool groupDefined;

    /// <summary>
    /// Every report, each read when it is asked for: the first at once (since boot), each next one after the interval
    /// (the enumeration waits). A report left out by -y is still read and given, marked <see cref="IntervalReport.LeftOut"/>.
    /// </summary>
    /// <param name="tables">The tables each report is printed as: 1, or 4 for the pretty extended text report (reads,
    /// writes, discards, flushes and totals), where sysstat sums its groups in the first table and shows them zero in the
    /// others, as here.</param>
    /// <exception cref="IoStatException">The machine's counters cannot be read.</exception>
    public IEnumerable<IntervalReport> Reports(int tables = 1)
    {
        int index = 0;
        int curr = 1;
        bool skip = options.OmitSinceBoot && options.Interval > 0;
        long count = options.Count;
        while (true)
        {
            foreach (var device in devices)
            {
                device.Exists = device.Type == DeviceType.Group;
            }

            uptime[curr] = ProcParsers.Uptime(source.Uptime() ?? "") ?? throw new IoStatException("cannot read proc/uptime");
            cpu[curr] = ProcParsers.Cpu(source.Stat() ?? throw new IoStatException("cannot read proc/stat"));
            if (options.Everything)
            {
                ReadDiskstats(curr);
            }
            else
            {
                ReadSysfs(curr);
            }

            ulong itv = Interval(uptime[curr ^ 1], uptime[curr]);
            var parts = new List<IReadOnlyList<DeviceInterval>>(tables);
            for (int part = 0; part < tables; part++)
            {
                parts.Add(Rows(curr, countMembers: part == 0)
                    .Select(r => new DeviceInterval(DisplayName(r.Device), KindOf(r.Device), r.Current, r.Previous, itv, r.Members))
                    .ToList());
            }

            yield return new IntervalReport(index, skip, Shares(curr), parts);
            if (!skip)
            {
                index++;
                if (count > 0)
                {
                    count--;
                }
            }

            if (count == 0)
            {
                yield break;
            }

            curr ^= 1;
            if (!source.Advance())
            {
                yield break;
            }

            skip = false;
        }
    }

    private static DeviceKind KindOf(Device device) => device.Type switch
    {
        DeviceType.Group => DeviceKind.Group,
        DeviceType.Partition => DeviceKind.Partition,
        _ => DeviceKind.Disk,
    };

    private Device? Add(string name, DeviceType requested, (uint Major, uint Minor)? numbers)
    {
        if (options.DeviceMapperNames && source.DeviceMapperTarget(name) is { } kernelName)
        {
            name = kernelName; // -N virtualhd means dm-2
        }

        int at = 0;
        for (; at < devices.Count; at++)
        {
            int order = string.CompareOrdinal(devices[at].Name, name);
            if (order == 0)
            {
                var found = devices[at];
                if (requested == DeviceType.WholeWithPartitions && found.Type == DeviceType.Whole)
                {
                    found.Type = DeviceType.WholeWithPartitions;
                }

                found.Exists = true;
                return found;
            }

            // Without -p ALL or groups the list is kept in name order; else in the order devices are met.
            if (!groupDefined && !options.Everything && order > 0)
            {
                break;
            }
        }

        var device = new Device(name) { Exists = true };
        device.Type = source.IsWholeDevice(name)
            ? requested == DeviceType.WholeWithPartitions ? DeviceType.WholeWithPartitions : DeviceType.Whole
            : DeviceType.Partition;
        var known = numbers ?? source.DeviceNumbers(name);
        if (known is { } n)
        {
            device.Major = n.Major;
            device.Minor = n.Minor;
        }

        devices.Insert(at, device);
        return device;
    }

    private void ReadDiskstats(int curr)
    {
        foreach (string line in source.Diskstats())
        {
            if (ProcParsers.TryDiskstatsLine(line, options.Extended, out uint major, out uint minor, out string name, out var counters))
            {
                var device = Add(name, DeviceType.Partition, (major, minor));
                if (device is not null)
                {
                    device.Stats[curr] = counters;
                }
            }
        }
    }

    private void ReadSysfs(int curr)
    {
        // Devices named on the command line first, in list order (the list may grow with partitions while we go).
        for (int i = 0; i < devices.Count; i++)
        {
            var device = devices[i];
            if (device.Exists)
            {
                continue;
            }

            if (device.Type == DeviceType.Partition)
            {
                if (source.DevBlockStat(device.Major, device.Minor) is { } stat && TryStat(stat, out var counters))
                {
                    device.Stats[curr] = counters;
                    device.Exists = true;
                }
            }
            else
            {
                if (source.BlockStat(device.Name) is { } stat && TryStat(stat, out var counters))
                {
                    device.Stats[curr] = counters;
                    device.Exists = true;
                }

                if (device.Type == DeviceType.WholeWithPartitions)
                {
                    foreach (var (name, partitionStat) in source.Partitions(device.Name))
                    {
                        if (TryStat(partitionStat, out var partition) && Add(name, DeviceType.Partition, null) is { } added)
                        {
                            added.Stats[curr] = partition;
                        }
                    }
                }
            }
        }

        if (options.AllDevices)
        {
            foreach (var (name, stat) in source.BlockDevices())
            {
                if (TryStat(stat, out var counters) && Add(name, DeviceType.Partition, null) is { } added)
                {
                    added.Stats[curr] = counters;
                }
            }
        }
    }

    private static bool TryStat(string text, out DiskCounters counters)
    {
        Span<ulong> values = stackalloc ulong[17];
        int n = ProcParsers.ReadValues(text, values);
        // A sysfs stat file that parses to something else still "exists" for sysstat, with zero counters.
        DiskCounters.TryFrom(values[..n], extendedOnly: false, out counters);
        return true;
    }

    private uint? deviceMapperMajor;

    // With -N a device-mapper device is shown by the /dev/mapper entry with its numbers.
    private string DisplayName(Device device)
    {
        if (device.Type == DeviceType.Group)
        {
            return device.Name;
        }

        if (options.PersistentNameType is { } type)
        {
            string kernelName = source.KernelName(device.Major, device.Minor) ?? $"dev{device.Major}-{device.Minor}";
            return source.PersistentNames(type).FirstOrDefault(n => source.PersistentTarget(type, n) == kernelName) ?? device.Name;
        }

        if (!options.DeviceMapperNames)
        {
            return device.Name;
        }

        deviceMapperMajor ??= source.DeviceMapperMajor() ?? uint.MaxValue;
        if (device.Major != deviceMapperMajor)
        {
            return device.Name;
        }

        foreach (string entry in source.DeviceMapperNames())
        {
            if (source.DeviceNumbers("mapper/" + entry) is { } n && n.Major == device.Major && n.Minor == device.Minor)
            {
                return entry;
            }
        }

        return device.Name;
    }

    /// <summary>
    /// The rows of one table, in order: each existing device that passes the filters, and each group after its members
    /// (with the number of members counted in this report). Groups are summed when <paramref name="countMembers"/>.
    /// </summary>
    private IEnumerable<(Device Device, DiskCounters Current, DiskCounters Previous, int Members)> Rows(int curr, bool countMembers)
    {
        Device? group = null;
        foreach (var entry in devices.Append(null))
        {
            // A group's line comes after its members: at the next group, or at the end of the list.
            Device device;
            if (entry is null || entry.Type == DeviceType.Group)
            {
                var shown = group;
                group = entry;
                if (group is not null)
                {
                    group.Stats[curr] = default;
                    if (countMembers)
                    {
                        group.Members = 0;
                    }
                }

                if (shown is null)
                {
                    continue;
                }

                device = shown;
            }
            else
            {
                device = entry;
                if (!device.Exists)
                {
                    continue;
                }

                if (group is not null && countMembers)
                {
                    group.Members++;
                    AddToGroup(device.Stats[curr], ref group.Stats[curr]);
                }

                if (options.GroupTotalsOnly && group is not null)
                {
                    continue;
                }
            }

            var ioi = device.Stats[curr];
            var ioj = device.Stats[curr ^ 1];
            if (!options.Unfiltered && ioi.RdIos == 0 && ioi.WrIos == 0 && ioi.DcIos == 0 && ioi.FlIos == 0)
            {
                continue;
            }

            if (options.OmitIdle && ioi.RdIos == ioj.RdIos && ioi.WrIos == ioj.WrIos && ioi.DcIos == ioj.DcIos && ioi.FlIos == ioj.FlIos)
            {
                continue;
            }

            // A device removed and added again between two samples starts from zero.
            if (unchecked(ioi.RdIos + ioi.WrIos + ioi.DcIos + ioi.FlIos) < unchecked(ioj.RdIos + ioj.WrIos + ioj.DcIos + ioj.FlIos)
                && (ioj.RdSectors == 0 || ioi.RdSectors < ioj.RdSectors)
                && (ioj.WrSectors == 0 || ioi.WrSectors < ioj.WrSectors)
                && (ioj.DcSectors == 0 || ioi.DcSectors < ioj.DcSectors))
            {
                ioj = default;
            }

            bool isGroup = device.Type == DeviceType.Group;
            if (isGroup && options.Extended && device.Members == 0)
            {
                continue; // an extended report has nothing to say of an empty group
            }

            yield return (device, ioi, ioj, isGroup ? device.Members : 1);
        }
    }

    // sysstat adds a member to its group only when it did some I/O, unless devices were named.
    private void AddToGroup(DiskCounters d, ref DiskCounters g)
    {
        if (!options.Unfiltered && d.RdIos == 0 && d.WrIos == 0 && d.DcIos == 0 && d.FlIos == 0)
        {
            return;
        }

        unchecked
        {
            g.RdIos += d.RdIos;
            g.RdMerges += d.RdMerges;
            g.RdSectors += d.RdSectors;
            g.RdTicks += d.RdTicks;
            g.WrIos += d.WrIos;
            g.WrMerges += d.WrMerges;
            g.WrSectors += d.WrSectors;
            g.WrTicks += d.WrTicks;
            g.DcIos += d.DcIos;
            g.DcMerges += d.DcMerges;
            g.DcSectors += d.DcSectors;
            g.DcTicks += d.DcTicks;
            g.FlIos += d.FlIos;
            g.FlTicks += d.FlTicks;
            g.IosPgr += d.IosPgr;
            g.TotTicks += d.TotTicks;
            g.RqTicks += d.RqTicks;
        }
    }

    /// <summary>sysstat's get_interval: the difference, or 1 when it is zero (an unchanged uptime).</summary>
    public static ulong Interval(ulong previous, ulong current)
    {
        ulong itv = unchecked(current - previous);
        return itv == 0 ? 1 : itv;
    }

    private CpuShares Shares(int curr)
    {
        var c = cpu[curr];
        var p = cpu[curr ^ 1];
        ulong total = Interval(p.Total, c.Total);
        return new CpuShares(
            Share(p.User, c.User, total),
            Share(p.Nice, c.Nice, total),
            Share(unchecked(p.System + p.Softirq + p.Hardirq), unchecked(c.System + c.Softirq + c.Hardirq), total),
            Share(p.Iowait, c.Iowait, total),
            Share(p.Steal, c.Steal, total),
            c.Idle < p.Idle ? 0 : Share(p.Idle, c.Idle, total));
    }

    // /proc/stat counters can step back on tickless kernels: a negative difference reads as 0.
    private static double Share(ulong previous, ulong current, ulong total) =>
        current < previous ? 0 : (double)(current - previous) / total * 100;
}

/// <summary>The machine's counters cannot be read.</summary>
public sealed class IoStatException(string message) : Exception(message);
