using System.Text;
using Kashika.Core.IoStat;
using Kashika.Reports.IoStat;

namespace Kashika.Tests.IoStat;

/// <summary>The engine over a machine made of strings: every sample is given, nothing is read from disk.</summary>
public sealed class IoStatEngineTests
{
    private sealed class FakeMachine(params (double Uptime, string[] Disks)[] samples) : ISystemSource
    {
        private int index;

        public string? Uptime() => $"{samples[index].Uptime:0.00} 0.00\n";

        public string? Stat() => $"cpu  {100 * (index + 1)} 0 0 {900 * (index + 1)} 0 0 0 0 0 0\n";

        public IReadOnlyList<string> Diskstats() => samples[index].Disks;

        public IReadOnlyList<(string Name, string Stat)> BlockDevices() =>
            samples[index].Disks.Select(d => d.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries)).Select(f => (f[2], f[3])).ToList();

        public string? BlockStat(string name) =>
            samples[index].Disks.Select(d => d.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries)).FirstOrDefault(f => f[2] == name)?[3];

        public IReadOnlyList<(string Name, string Stat)> Partitions(string device) => [];

        public string? DevBlockStat(uint major, uint minor) => null;

        public bool IsWholeDevice(string name) => true;

        public (uint Major, uint Minor)? DeviceNumbers(string name) => (8, 0);

        public uint? DeviceMapperMajor() => 253;

        public IReadOnlyList<string> DeviceMapperNames() => [];

        public string? DeviceMapperTarget(string registered) => null;

        public bool HasPersistentNames(string type) => false;

        public IReadOnlyList<string> PersistentNames(string type) => [];

        public string? PersistentTarget(string type, string name) => null;

        public string? KernelName(uint major, uint minor) => null;

        public bool Advance() => ++index < samples.Length;
    }

    // The reports as text, as sysstat prints them.
    private static string Print(IoStatOptions options, ISystemSource machine)
    {
        using var output = new MemoryStream();
        var reports = new IoStatEngine(options, machine).Reports(IoStatPrint.TablesOf(options));
        new IoStatTextFormat().Write(new IoStatPrint(options, new MachineBanner("6.1.0", "test", "x86_64", 1, "12/05/26"), reports, _ => ""), output);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    // io_ticks (busy time, ms) is the 10th value: 500 ms busy over 1 s is 50 %.
    private static string Disk(string name, ulong reads, uint busyMs) => $"   8 0 {name} {reads} 0 {reads * 8} {reads} 0 0 0 0 0 {busyMs} 0";

    [Fact]
    public void A_groups_util_is_its_members_mean_in_every_report()
    {
        // Regression of sysstat's -g: it divides by a member count that grows each report (2, then 4, …).
        var machine = new FakeMachine(
            (100.00, [Disk("sda", 10, 0), Disk("sdb", 10, 0)]),
            (101.00, [Disk("sda", 20, 500), Disk("sdb", 20, 300)]),
            (102.00, [Disk("sda", 30, 1500), Disk("sdb", 30, 1300)]));
        var options = new IoStatOptions
        {
            Disk = true, Extended = true, Unfiltered = true, Interval = 1, Count = 3,
            Devices = [new("all", false, IsGroup: true), new("sda", false), new("sdb", false)],
        };
        var util = Print(options, machine).Split('\n').Where(l => l.StartsWith(" all", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]).ToList();
        Assert.Equal(["0.00", "40.00", "100.00"], util); // (50 + 30) / 2, then (100 + 100) / 2
    }

    [Fact]
    public void Reports_divide_by_the_uptime_delta_not_the_interval()
    {
        var machine = new FakeMachine((100.00, [Disk("sda", 0, 0)]), (102.00, [Disk("sda", 100, 0)]));
        var options = new IoStatOptions { Disk = true, AllDevices = true, Unfiltered = true, Interval = 1, Count = 2 };
        var second = Print(options, machine).Split('\n').Where(l => l.StartsWith("sda", StringComparison.Ordinal)).Last();
        Assert.Equal("50.00", second.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]); // 100 reads over 2 s of uptime
    }

    [Fact]
    public void A_device_that_disappears_and_returns_starts_from_zero()
    {
        var machine = new FakeMachine(
            (100.00, [Disk("sda", 1000, 0)]),
            (101.00, [Disk("sda", 5, 0)])); // replaced: counters restarted
        var options = new IoStatOptions { Disk = true, AllDevices = true, Unfiltered = true, Interval = 1, Count = 2 };
        var second = Print(options, machine).Split('\n').Where(l => l.StartsWith("sda", StringComparison.Ordinal)).Last();
        Assert.Equal("5.00", second.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]); // 5 reads since it came back, not -995
    }
}
