using System.Diagnostics;
using Kashika.Testing;

namespace Kashika.Tests.IoStat;

/// <summary>
/// Real counters, the real sysstat: this machine's /proc and /sys files are frozen (copied, then bind-mounted over the
/// originals in a private mount namespace), and sysstat's iostat and kashika iostat report on the same samples.
/// </summary>
public sealed class SysstatParityTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("-x -p ALL")]
    [InlineData("-d -p ALL")]
    [InlineData("-x")]
    [InlineData("-xs")]
    [InlineData("-dk ALL")]
    [InlineData("-d -m -z -p ALL")]
    public void Same_output_as_sysstat_on_frozen_counters(string flags)
    {
        if (!File.Exists("/usr/bin/iostat"))
        {
            Requirements.Missing("sysstat's iostat is not installed (apt-get install sysstat)");
        }

        var files = new List<string> { "/proc/uptime", "/proc/stat", "/proc/diskstats" };
        foreach (string device in Directory.EnumerateFileSystemEntries("/sys/block"))
        {
            files.Add(Path.Combine(device, "stat"));
            files.AddRange(Directory.EnumerateDirectories(device).Select(d => Path.Combine(d, "stat")).Where(File.Exists));
        }

        var script = new System.Text.StringBuilder("set -e\n");
        for (int i = 0; i < files.Count; i++)
        {
            string copy = dir.Combine($"f{i}");
            File.WriteAllText(copy, File.ReadAllText(files[i]));
            script.Append($"mount --bind '{copy}' '{files[i]}'\n");
        }

        script.Append($"LC_ALL=C /usr/bin/iostat {flags} > '{dir.Combine("sysstat.txt")}'\n");
        script.Append($"LC_ALL=C dotnet '{Paths.CliDll}' iostat {flags} > '{dir.Combine("kashika.txt")}'\n");
        File.WriteAllText(dir.Combine("run.sh"), script.ToString());
        var run = Process.Start(new ProcessStartInfo("unshare", ["-m", "bash", dir.Combine("run.sh")]) { RedirectStandardError = true })!;
        string error = run.StandardError.ReadToEnd();
        run.WaitForExit();
        if (run.ExitCode != 0)
        {
            Requirements.Missing($"cannot freeze /proc in a private mount namespace (needs root): {error.Trim()}");
        }

        static string WithoutBanner(string text) => text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..];
        Assert.Equal(WithoutBanner(File.ReadAllText(dir.Combine("sysstat.txt"))), WithoutBanner(File.ReadAllText(dir.Combine("kashika.txt"))));
    }
}
