using System.Text.RegularExpressions;
using Kashika.Testing;

namespace Kashika.Tests.IoStat;

/// <summary>
/// sysstat's own iostat tests (../shared/corpus/iostat/sysstat): the same command on the same fake machine roots must
/// print what sysstat printed, the banner line and -t timestamps excepted (they come from the real clock and machine).
/// sysstat-cases.tsv gives each test's full command line (the corpus MANIFEST shortens some).
/// </summary>
public sealed partial class IoStatCorpusTests
{
    /// <summary>Options of sysstat not implemented yet; their cases are listed, not run (docs/iostat.md).</summary>
    private static readonly string[] Pending = [];

    public static TheoryData<RootLayout, string, string, string> Cases()
    {
        var data = new TheoryData<RootLayout, string, string, string>();
        string table = Path.Combine(Paths.RepositoryRoot, "tests", "Kashika.Tests", "IoStat", "sysstat-cases.tsv");
        foreach (string line in File.ReadLines(table).Skip(1))
        {
            var f = line.Split('\t');
            var words = f[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!words.Any(Pending.Contains))
            {
                data.Add(RootLayout.AsGiven, f[0], f[1], f[2]);
                data.Add(RootLayout.RealLinks, f[0], f[1], f[2]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_equals_sysstats(RootLayout layout, string test, string expected, string arguments)
    {
        string corpus = Paths.RequireCorpus("iostat/sysstat");
        string folder = SysstatRoots.Folder(layout);
        string manifest = File.ReadLines(Path.Combine(corpus, "MANIFEST.tsv")).Single(l => l.StartsWith(test + "\t", StringComparison.Ordinal));
        string start = manifest.Split('\t')[2] is var s && s.StartsWith("root", StringComparison.Ordinal) ? s : "root1";
        // sysstat's harness moves to root N+1 after each report and stops when there is none.
        var roots = new List<string>();
        for (int n = int.Parse(start[4..], System.Globalization.CultureInfo.InvariantCulture); Directory.Exists(Path.Combine(folder, $"root{n}")); n++)
        {
            roots.AddRange(["--root", Path.Combine(folder, $"root{n}")]);
        }

        // Harness conventions: "tests/root" is the current root (a relative -f directory is read under each root), and
        // --getenv only lets that test's environment variables through (kashika always reads them).
        var environment = new Dictionary<string, string> { ["LC_ALL"] = "C", ["TZ"] = "GMT" };
        var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Replace("tests/root/", "", StringComparison.Ordinal)).ToList();
        if (words.Remove("--getenv"))
        {
            environment["POSIXLY_CORRECT"] = "";
            environment["S_TIME_FORMAT"] = "ISO";
        }

        var result = KashikaProcess.Run(Path.Combine(folder, start), environment, ["iostat", .. words, .. roots]);
        Assert.True(result.ExitCode == 0, $"{test}: exit {result.ExitCode}: {result.StandardError}");
        Assert.Equal(Masked(File.ReadAllText(Path.Combine(corpus, "expected", expected))), Masked(result.StandardOutput));
    }

    // sysstat's JSON validity tests (MANIFEST "JSON validity"): the output must parse.
    [Theory]
    [InlineData("-t -p ALL -o JSON")]
    [InlineData("-p ALL -o JSON 1 10")]
    [InlineData("-y 1 3 -o JSON ALL -p ALL -xt")]
    [InlineData("1 3 -o JSON")]
    [InlineData("-xs 1 3 -o JSON ALL -p ALL")]
    [InlineData("-o JSON -g total /dev/sda1 sda3 -g foo 1 3")]
    [InlineData("-o JSON -x -g total sda sdb -g empty 1 3")]
    public void Json_output_is_valid(string arguments)
    {
        string corpus = Paths.RequireCorpus("iostat/sysstat");
        var roots = Enumerable.Range(1, 7).SelectMany(n => new[] { "--root", Path.Combine(corpus, "roots", $"root{n}") });
        var result = KashikaProcess.Run(Path.Combine(corpus, "roots", "root1"), ["iostat", .. arguments.Split(' '), .. roots]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        using var json = System.Text.Json.JsonDocument.Parse(result.StandardOutput);
        Assert.True(json.RootElement.GetProperty("sysstat").GetProperty("hosts")[0].GetProperty("statistics").GetArrayLength() > 0);
    }

    private static string Masked(string output)
    {
        if (output.StartsWith("{\"sysstat\"", StringComparison.Ordinal))
        {
            // JSON: the banner is the host's fields.
            return JsonBanner().Replace(Timestamp().Replace(output, "<timestamp>"), "\"$1\": <masked>,");
        }

        int banner = output.IndexOf('\n', StringComparison.Ordinal);
        return Timestamp().Replace(output[(banner + 1)..], "<timestamp>");
    }

    [GeneratedRegex("\"(nodename|release|number-of-cpus|date)\": [^,]*,")]
    private static partial Regex JsonBanner();

    [GeneratedRegex(@"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d$", RegexOptions.Multiline)]
    private static partial Regex Timestamp();
}

/// <summary>Bad command lines get sysstat's usage message (and Kashika's usage exit code), never a stack trace.</summary>
public sealed class IoStatUsageTests
{
    [Theory]
    [InlineData("2", "0")]
    [InlineData("-2", "1")]
    [InlineData("2", "-1")]
    [InlineData("--dec=A")]
    [InlineData("--dec=3")]
    [InlineData("-q")]
    [InlineData("1", "2", "3")]
    public void Bad_arguments_print_the_usage(params string[] arguments)
    {
        var result = KashikaProcess.Run(Path.GetTempPath(), ["iostat", .. arguments]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Usage: kashika iostat [ options ] [ <interval> [ <count> ] ]", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public void Epoch_timestamps()
    {
        var result = KashikaProcess.Run(Path.GetTempPath(), "iostat", "-cU");
        Assert.Equal(0, result.ExitCode);
        long seconds = long.Parse(result.StandardOutput.Split('\n')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public void This_machine_reports_since_boot()
    {
        var result = KashikaProcess.Run(Path.GetTempPath(), "iostat", "-x");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("avg-cpu:  %user   %nice %system %iowait  %steal   %idle", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Device            r/s     rkB/s", result.StandardOutput, StringComparison.Ordinal);
    }
}

/// <summary>
/// Roots with real symbolic links, made here (a copied corpus may hold them as files or as links): a link that leads
/// nowhere is an absent file, as for sysstat, never an error that hides the other devices.
/// </summary>
public sealed class DanglingLinkTests
{
    private static TempDirectory Root()
    {
        var root = new TempDirectory();
        void Write(string relative, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(root.Combine(relative))!);
            File.WriteAllText(root.Combine(relative), text);
        }

        Write("proc/uptime", "7192.55 29212.05\n");
        Write("proc/stat", "cpu  100 0 100 1000 10 0 0 0 0 0\ncpu0 100 0 100 1000 10 0 0 0 0 0\n");
        Write("proc/diskstats", "   8       0 sda 400 2 3200 600 100 9 800 100 0 300 700 0 0 0 0\n   8       2 sda2 47 0 4184 2938 0 0 0 0 0 33 2917 0 0 0 0\n");
        Write("sys/block/sda/stat", "400 2 3200 600 100 9 800 100 0 300 700 0 0 0 0\n");
        Write("sys/block/sda/sda2/stat", "47 0 4184 2938 0 0 0 0 0 33 2917 0 0 0 0\n");
        Write("dev/sda1", "8 1\n");
        Write("dev/sda2", "8 2\n");
        Directory.CreateDirectory(root.Combine("sys/dev/block"));
        // sda1's folder is absent: its link dangles, as in sysstat's root4.
        File.CreateSymbolicLink(root.Combine("sys/dev/block/8:1"), "../../block/sda/sda1");
        File.CreateSymbolicLink(root.Combine("sys/dev/block/8:2"), "../../block/sda/sda2");
        return root;
    }

    [Theory]
    [InlineData("sda1", "sda2")]
    [InlineData("-g", "total", "-p", "sda")]
    [InlineData("-x", "sda1", "sda2", "sda")]
    public void A_dangling_link_is_an_absent_device(params string[] arguments)
    {
        using var root = Root();
        Assert.NotNull(new FileInfo(root.Combine("sys/dev/block/8:1")).LinkTarget);
        var result = KashikaProcess.Run(root.Path, ["iostat", "-d", .. arguments, "--root", root.Path]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("", result.StandardError);
        Assert.Contains("\nsda2 ", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("sda1", result.StandardOutput, StringComparison.Ordinal);
    }
}

/// <summary>The real-links layout is what it says: links where sysstat's harness has stand-ins, nodes where it can.</summary>
public sealed class RealLinkLayoutTests
{
    [Fact]
    public void Links_lead_where_the_stand_ins_said_and_devices_are_nodes()
    {
        string folder = SysstatRoots.Folder(RootLayout.RealLinks);
        Assert.Equal("../dm-2", new FileInfo(Path.Combine(folder, "root1/dev/mapper/virtualhd")).LinkTarget);
        Assert.Equal("../../block/sda", new FileInfo(Path.Combine(folder, "root1/sys/dev/block/8:0")).LinkTarget);
        Assert.Equal("../../sda", new FileInfo(Path.Combine(folder, "root1/dev/disk/by-path/pci-0000:00:1f.2-ata-1")).LinkTarget);
        // root4's 8:1 leads nowhere, and is copied as such.
        Assert.NotNull(new FileInfo(Path.Combine(folder, "root4/sys/dev/block/8:1")).LinkTarget);
        Assert.False(Directory.Exists(Path.Combine(folder, "root4/sys/dev/block/8:1")));
        var dm2 = Kashika.Adapters.FileSystem.FileStatus.Of(Path.Combine(folder, "root1/dev/dm-2"));
        if (SysstatRoots.MakesDeviceNodes)
        {
            Assert.Equal((Kashika.Adapters.FileSystem.FileKind.BlockDevice, 253u, 2u), (dm2.Kind, dm2.Major, dm2.Minor));
        }
        else
        {
            Assert.Equal(Kashika.Adapters.FileSystem.FileKind.Regular, dm2.Kind);
        }
    }
}

/// <summary>
/// A root laid out as a machine has it, made here: /dev/mapper and /dev/disk/by-label are symbolic links (one absolute,
/// one through another link), /sys/dev/block links into /sys/devices, and the devices are block nodes made with mknod
/// when the test runs as root (else sysstat's stand-in files).
/// </summary>
public sealed class MachineLayoutTests : IDisposable
{
    private readonly TempDirectory root = new();

    public MachineLayoutTests()
    {
        void Write(string relative, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(root.Combine(relative))!);
            File.WriteAllText(root.Combine(relative), text);
        }

        void Link(string relative, string target)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(root.Combine(relative))!);
            File.CreateSymbolicLink(root.Combine(relative), target);
        }

        void Node(string name, int major, int minor)
        {
            if (SysstatRoots.MakesDeviceNodes)
            {
                Directory.CreateDirectory(root.Combine("dev"));
                SysstatRoots.MakeNode(root.Combine("dev", name), $"{major}", $"{minor}");
            }
            else
            {
                Write($"dev/{name}", $"{major} {minor}\n");
            }
        }

        Write("proc/uptime", "7192.55 29212.05\n");
        Write("proc/stat", "cpu  100 0 100 1000 10 0 0 0 0 0\ncpu0 100 0 100 1000 10 0 0 0 0 0\n");
        Write("proc/devices", "Character devices:\n  1 mem\n\nBlock devices:\n  8 sd\n253 device-mapper\n");
        Write("sys/devices/pci0000:00/block/sda/stat", "400 2 3200 600 100 9 800 100 0 300 700 0 0 0 0\n");
        Write("sys/devices/virtual/block/dm-3/stat", "90 0 720 50 10 0 80 20 0 60 70 0 0 0 0\n");
        Link("sys/block/sda", "../devices/pci0000:00/block/sda");
        Link("sys/block/dm-3", "../devices/virtual/block/dm-3");
        Link("sys/dev/block/8:0", "../../devices/pci0000:00/block/sda");
        Link("sys/dev/block/253:3", "../../devices/virtual/block/dm-3");
        Node("sda", 8, 0);
        Node("dm-3", 253, 3);
        Link("dev/mapper/vg-data", "../dm-3");
        Link("dev/disk/by-label/DATA", "/dev/mapper/vg-data"); // absolute: within the root, through another link
        Link("dev/disk/by-uuid/2578463f", "../../sda");
    }

    public void Dispose() => root.Dispose();

    private string[] Devices(params string[] arguments)
    {
        var result = KashikaProcess.Run(root.Path, ["iostat", "-d", .. arguments, "--root", root.Path]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput.Split('\n').Skip(3).Where(l => l.Length > 0).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]).ToArray();
    }

    [Fact]
    public void Mapper_and_persistent_names_are_found_through_real_links()
    {
        var plain = KashikaProcess.Run(root.Path, "iostat", "-d", "--root", root.Path).StandardOutput;
        Assert.Contains("\ndm-3 ", plain, StringComparison.Ordinal);
        var mapped = KashikaProcess.Run(root.Path, "iostat", "-d", "-N", "--root", root.Path);
        Assert.True(mapped.ExitCode == 0, mapped.StandardError);
        Assert.Contains("\nvg-data ", mapped.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("dm-3", mapped.StandardOutput, StringComparison.Ordinal);
        // -j shows the persistent name last (pretty): DATA for dm-3 (by-label's link leads to it through /dev/mapper), the
        // uuid for sda; a device without one keeps its kernel name.
        Assert.Equal(["DATA", "sda"], Devices("-j", "LABEL").Order(StringComparer.Ordinal));
        Assert.Equal(["2578463f", "dm-3"], Devices("-j", "UUID").Order(StringComparer.Ordinal));
    }
}
