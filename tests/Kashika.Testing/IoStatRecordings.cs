using System.Globalization;
using Kashika.Core.IoStat;

namespace Kashika.Testing;

/// <summary>
/// Recordings of a made-up machine with known, varied traffic: disks with partitions, a quiet disk, waves of reads
/// and writes, discards and flushes now and then, and one short spike per disk that a chart must not average away.
/// </summary>
public static class IoStatRecordings
{
    public const long Start = 1_764_150_000_000; // 2025-11-26 09:40:00 UTC

    /// <param name="samples">Samples one second apart.</param>
    /// <param name="spikeAt">The sample at which each busy disk's one-second spike is recorded.</param>
    public static void Write(string path, int samples, int spikeAt = -1)
    {
        string[] disks = ["sda", "nvme0n1", "sdb"];
        (uint Major, uint Minor)[] numbers = [(8, 0), (259, 0), (8, 16)];
        var counters = new ulong[disks.Length * 3, 17];
        ulong user = 0, system = 0, idle = 0, iowait = 0;
        using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite);
        for (int i = 0; i < samples; i++)
        {
            double wave = 1 + Math.Sin(i / 40.0);
            user += (ulong)(50 + (30 * wave));
            system += 20;
            iowait += (ulong)(10 * wave);
            idle += (ulong)(400 - (30 * wave) - (10 * wave));
            var files = new List<(string, byte[])>
            {
                ("proc/uptime", Bytes($"{(1000 + i).ToString(CultureInfo.InvariantCulture)}.00 {(4000 + (4 * i)).ToString(CultureInfo.InvariantCulture)}.00\n")),
                ("proc/stat", Bytes($"cpu  {user} 0 {system} {idle} {iowait} 0 0 0 0 0\ncpu0 {user} 0 {system} {idle} {iowait} 0 0 0 0 0\n")),
            };
            var diskstats = new System.Text.StringBuilder();
            var sysfs = new List<(string, byte[])>();
            for (int d = 0; d < disks.Length; d++)
            {
                for (int part = 0; part < 3; part++)
                {
                    int row = (d * 3) + part;
                    bool quiet = d == 2;
                    bool spike = i == spikeAt && part == 0 && !quiet;
                    double share = part == 0 ? 1 : part == 1 ? 0.7 : 0.3;
                    ulong reads = quiet ? 0 : (ulong)(share * ((spike ? 5000 : 120) * wave));
                    ulong writes = quiet ? 0 : (ulong)(share * 80 * (2 - wave));
                    counters[row, 0] += reads;
                    counters[row, 1] += reads / 4;
                    counters[row, 2] += reads * 16;
                    counters[row, 3] += reads * (spike ? 40UL : 2UL);
                    counters[row, 4] += writes;
                    counters[row, 5] += writes / 2;
                    counters[row, 6] += writes * 64;
                    counters[row, 7] += writes * 3;
                    counters[row, 9] += quiet ? 0UL : spike ? 1000UL : (ulong)(400 * wave);
                    counters[row, 10] += (ulong)((reads * 2) + (writes * 3));
                    if (i % 30 == 0 && !quiet)
                    {
                        counters[row, 11] += 2;
                        counters[row, 13] += 4096;
                        counters[row, 14] += 1;
                        counters[row, 15] += 5;
                        counters[row, 16] += 9;
                    }
                }

                for (int part = 0; part < 3; part++)
                {
                    string name = part == 0 ? disks[d] : disks[d].StartsWith("nvme", StringComparison.Ordinal) ? $"{disks[d]}p{part}" : $"{disks[d]}{part}";
                    string stat = Stat(counters, (d * 3) + part);
                    var (major, minor) = (numbers[d].Major, numbers[d].Minor + (uint)part);
                    diskstats.Append(CultureInfo.InvariantCulture, $"{major,4} {minor,7} {name} {stat}");
                    sysfs.Add((part == 0 ? $"sys/block/{name}/stat" : $"sys/block/{disks[d]}/{name}/stat", Bytes(stat)));
                    sysfs.Add(($"sys/class/block/{name}/dev", Bytes($"{major}:{minor}\n")));
                }
            }

            files.Add(("proc/diskstats", Bytes(diskstats.ToString())));
            files.AddRange(sysfs);

            new Recording(Start + (i * 1000L), files).AppendTo(file);
        }
    }

    private static string Stat(ulong[,] counters, int row) =>
        string.Join(' ', Enumerable.Range(0, 17).Select(k => counters[row, k].ToString(CultureInfo.InvariantCulture))) + "\n";

    private static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
