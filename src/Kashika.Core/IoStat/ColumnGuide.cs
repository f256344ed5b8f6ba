namespace Kashika.Core.IoStat;

/// <summary>What one iostat column measures in the kernel.</summary>
/// <param name="Counters">The /proc/diskstats fields it is computed from (1-based after "major minor name").</param>
/// <param name="Counted">When the kernel adds to those counters.</param>
/// <param name="Became">For a column of an older sysstat: what it became and how to convert.</param>
public sealed record ColumnMeaning(string Column, string Counters, string Counted, string Formula, string Unit, string Traps, string? Became = null);

/// <summary>
/// The kernel's meaning of every iostat column (block layer accounting, Linux 5.x–6.x; see the notes on older kernels),
/// for <c>kashika iostat --explain</c>. Read and write columns have discard twins (d…); f/s and f_await are flushes.
/// </summary>
public static class ColumnGuide
{
    private const string Interval =
        "Δ is the difference between two samples; Δt is the /proc/uptime difference, not the interval you asked for (the first report is since boot).";

    public static IReadOnlyList<ColumnMeaning> Columns { get; } =
    [
        new("r/s", "field 1, reads completed",
            "When a read request completes (blk_account_io_done), one per request after merging: several adjacent bios merged into one request count once.",
            "Δreads / Δt. " + Interval, "requests per second",
            "Counted at completion, not at submission: a burst submitted now can show up in the next report. Merged bios are not counted here but in rrqm/s."),
        new("rkB/s", "field 3, sectors read",
            "As a request completes, by the bytes it transferred (also on partial completion); a sector is always 512 bytes here, whatever the device's sector size.",
            "Δsectors × 512 / 1024 / Δt (-m: / 1024 more).", "kB per second", "Counted at completion, like r/s."),
        new("rrqm/s", "field 2, reads merged",
            "When a new bio is merged into a request already queued (front or back merge in the block layer or the I/O scheduler), at merge time.",
            "Δmerged / Δt.", "merges per second",
            "A high value means sequential I/O the block layer could combine; devices without a scheduler queue (none, NVMe polling) merge less."),
        new("%rrqm", "fields 1 and 2",
            "See r/s and rrqm/s.", "Δmerged / (Δmerged + Δreads) × 100.", "percent of read bios merged",
            "Both counters move at different moments (merge time, completion time), so short intervals can be noisy."),
        new("r_await", "fields 4 (ms reading) and 1",
            "Per request, the time from its creation in the block layer (before it waits in the I/O scheduler) to its completion, added when it completes (kernels since 5.0 keep nanoseconds and print milliseconds).",
            "Δms_reading / Δreads.", "milliseconds",
            "Includes queueing in the scheduler, not only the device's service time. It is a mean: a few very slow requests hide in it. The counter is whole milliseconds, so on sub-millisecond devices with few requests it is coarse; kernels before 5.0 measured each request in jiffies (1–10 ms) and could print 0."),
        new("rareq-sz", "fields 3 and 1", "See rkB/s and r/s.", "Δsectors / Δreads / 2.", "kB per request", "Size after merging: rrqm/s explains a large value."),
        new("w/s", "field 5, writes completed", "As r/s, for writes.", "Δwrites / Δt.", "requests per second",
            "Flush requests that carry data are writes; origin (empty) flushes are counted in f/s since Linux 5.5."),
        new("wkB/s", "field 7, sectors written", "As rkB/s, for writes.", "Δsectors × 512 / 1024 / Δt.", "kB per second", "Counted at completion."),
        new("wrqm/s", "field 6, writes merged", "As rrqm/s, for writes.", "Δmerged / Δt.", "merges per second", "See rrqm/s."),
        new("%wrqm", "fields 5 and 6", "See w/s and wrqm/s.", "Δmerged / (Δmerged + Δwrites) × 100.", "percent", "See %rrqm."),
        new("w_await", "fields 8 (ms writing) and 5", "As r_await, for writes.", "Δms_writing / Δwrites.", "milliseconds",
            "As r_await; with a volatile write cache a write completes when cached, so w_await can be far below the medium's latency until a flush."),
        new("wareq-sz", "fields 7 and 5", "See wkB/s.", "Δsectors / Δwrites / 2.", "kB per request", "Size after merging."),
        new("d/s", "field 12, discards completed (Linux 4.18+)", "As r/s, for discard (TRIM/UNMAP) requests.", "Δdiscards / Δt.", "requests per second",
            "0 on older kernels, whose diskstats lines have 14 fields."),
        new("dkB/s", "field 14, sectors discarded", "As rkB/s, for discards.", "Δsectors × 512 / 1024 / Δt.", "kB per second", "Discarded ranges can be huge and cost little."),
        new("drqm/s", "field 13, discards merged", "As rrqm/s.", "Δmerged / Δt.", "merges per second", "See rrqm/s."),
        new("%drqm", "fields 12 and 13", "See d/s.", "Δmerged / (Δmerged + Δdiscards) × 100.", "percent", "See %rrqm."),
        new("d_await", "fields 15 (ms discarding) and 12", "As r_await, for discards.", "Δms_discarding / Δdiscards.", "milliseconds", "See r_await."),
        new("dareq-sz", "fields 14 and 12", "See dkB/s.", "Δsectors / Δdiscards / 2.", "kB per request", "See rareq-sz."),
        new("f/s", "field 16, flushes completed (Linux 5.5+)", "When a flush request (a cache flush with no data) completes.", "Δflushes / Δt.", "requests per second",
            "0 on older kernels (diskstats lines of 18 fields or fewer). Not added to tps."),
        new("f_await", "fields 17 (ms flushing) and 16", "As r_await, for flushes.", "Δms_flushing / Δflushes.", "milliseconds", "See r_await."),
        new("aqu-sz", "field 11, weighted milliseconds doing I/O (time_in_queue)",
            "Continuously, the number of requests in flight multiplied by the time they stay in flight, added as requests start and end.",
            "Δweighted_ms / (Δt in ms).", "requests (average queue length)",
            "The average number of requests in flight, queued in the scheduler or at the device. Useful with devices that serve many requests at once, where %util says little."),
        new("%util", "field 10, milliseconds doing I/O (io_ticks)",
            "Time during which at least one request was in flight. Since Linux 5.0 (blk-mq accounting) io_ticks is advanced when requests start or complete rather than by a timer, which can under-count time under long-running requests; changes in 2024 made the accounting follow in-flight time more closely.",
            "Δio_ticks / (Δt in ms) × 100.", "percent of elapsed time",
            "It is the share of time the device had something to do, not how much of its capacity was used: an SSD, NVMe device or RAID set serving many requests in parallel can show 100 % with room to spare. Read aqu-sz and the await columns instead. For a group (-g) Kashika shows the members' mean (sysstat divides by a growing count). A value over 100 % means io_ticks advanced by more than the time that passed, an accounting artefact (seen on virtual disks, around long discards and flushes); sysstat prints it as it is, and so does Kashika."),
        new("tps", "fields 1, 5 and 12", "See r/s, w/s and d/s.", "Δ(reads + writes + discards) / Δt.", "requests per second",
            "Flushes are not added (a flush with data is already a write). Requests after merging: not the number of I/O calls made by programs."),
        new("kB_read/s", "field 3", "See rkB/s.", "Δsectors × 512 / 1024 / Δt.", "kB per second", "Basic report; same as rkB/s."),
        new("kB_wrtn/s", "field 7", "See wkB/s.", "Δsectors × 512 / 1024 / Δt.", "kB per second", "Basic report; same as wkB/s."),
        new("kB_dscd/s", "field 14", "See dkB/s.", "Δsectors × 512 / 1024 / Δt.", "kB per second", "Basic report; same as dkB/s."),
        new("kB_read", "field 3", "See rkB/s.", "Δsectors × 512 / 1024 (total over the interval; since boot in the first report).", "kB",
            "A sector counter of an old 32-bit kernel wraps at 2^32 sectors (2 TiB); iostat corrects one wrap per interval."),
        new("kB_wrtn", "field 7", "See wkB/s.", "Δsectors × 512 / 1024.", "kB", "See kB_read."),
        new("kB_dscd", "field 14", "See dkB/s.", "Δsectors × 512 / 1024.", "kB", "See kB_read."),
        new("kB/s", "fields 3, 7 and 14 (-xs)", "See rkB/s, wkB/s and dkB/s.", "Δ(sectors read + written + discarded) × 512 / 1024 / Δt.", "kB per second", "All directions together."),
        new("kB_w+d/s", "fields 7 and 14 (-s)", "See wkB/s and dkB/s.", "Δ(sectors written + discarded) × 512 / 1024 / Δt.", "kB per second", "Writes and discards together."),
        new("kB_w+d", "fields 7 and 14 (-s)", "See wkB/s and dkB/s.", "Δ(sectors written + discarded) × 512 / 1024.", "kB", "See kB_read."),
        new("await", "fields 4, 8, 15 and 1, 5, 12 (-s)", "See r_await.", "Δ(ms reading + writing + discarding) / Δ(reads + writes + discards).", "milliseconds", "See r_await."),
        new("areq-sz", "fields 3, 7, 14 and 1, 5, 12 (-s)", "See rareq-sz.", "Δ(all sectors) / Δ(all requests) / 2.", "kB per request", "See rareq-sz."),
        new("rqm/s", "fields 2, 6, 13 (-s)", "See rrqm/s.", "Δ(all merges) / Δt.", "merges per second", "See rrqm/s."),
        new("%user", "/proc/stat, the cpu line's user field (which includes guest time)",
            "At each scheduler tick (or on every kernel entry and exit with full dynticks), to the CPU that was running a program's own code.",
            "Δuser / Δ(all fields of the cpu line) × 100.", "percent of all CPUs' time",
            "The mean over all CPUs: one busy core of 16 reads 6.25 %. Niced programs are counted in %nice instead."),
        new("%nice", "/proc/stat, the cpu line's nice field", "As %user, for programs with a positive nice value.",
            "Δnice / Δtotal × 100.", "percent of all CPUs' time", "Low-priority work: it gives way to others, so it is not pressure in itself."),
        new("%system", "/proc/stat, the cpu line's system, irq and softirq fields", "As %user, for time in the kernel: system calls, page faults, interrupts and softirqs (block I/O completion among them).",
            "Δ(system + irq + softirq) / Δtotal × 100.", "percent of all CPUs' time",
            "sysstat adds interrupt time to %system here (sar and mpstat show %irq and %soft apart)."),
        new("%iowait", "/proc/stat, the cpu line's iowait field",
            "At a tick on an idle CPU while some task that last ran on it sleeps waiting for block I/O.",
            "Δiowait / Δtotal × 100.", "percent of all CPUs' time",
            "It is idle time, not work: a CPU-bound machine shows little %iowait even when its disks are saturated, and it falls as other work fills the CPUs. A hint, never a measure of disk load: read the device charts."),
        new("%steal", "/proc/stat, the cpu line's steal field", "In a virtual machine, time the hypervisor ran something else while this virtual CPU wanted to run.",
            "Δsteal / Δtotal × 100.", "percent of all CPUs' time", "Always 0 on bare metal. A high value means a crowded host, whatever the guest does."),
        new("%idle", "/proc/stat, the cpu line's idle field", "At a tick on an idle CPU with no I/O wait pending (see %iowait).",
            "Δidle / Δtotal × 100.", "percent of all CPUs' time", "Idle and %iowait together are the time no program ran."),
        new("svctm", "(removed from sysstat in 12.1.2, 2018)", "It was derived, not counted: io_ticks divided by the requests completed.",
            "Δio_ticks / Δ(reads + writes) — no longer printed.", "milliseconds",
            "It assumed a device serves one request at a time, which is false for almost every device today, so it was misleading and removed. Read r_await and w_await (latency as programs see it) and aqu-sz (concurrency) instead.",
            "nothing: removed in sysstat 12.1.2 (2018). From today's -x report, svctm = %util × 10 / (r/s + w/s) milliseconds."),
        new("avgqu-sz", "field 11, weighted milliseconds doing I/O (time_in_queue)", "See aqu-sz.",
            "Δweighted_ms / (Δt in ms).", "requests (average queue length)", "See aqu-sz.",
            "aqu-sz in sysstat 11.5.7 (2017): the same figure under a new name, avgqu-sz = aqu-sz."),
        new("avgrq-sz", "fields 3, 7 and 1, 5 (sectors and requests, reads and writes together)", "See rkB/s, wkB/s, r/s and w/s.",
            "Δ(sectors read + written) / Δ(reads + writes).", "sectors (512 bytes) per request",
            "Reads and writes in one mean: a few large writes hide many small reads.",
            "rareq-sz and wareq-sz (kB, per direction) in sysstat 11.5.7 (2017), and areq-sz (kB, every direction) in -xs: avgrq-sz = areq-sz × 2, or from the -x report avgrq-sz = 2 × (rareq-sz × r/s + wareq-sz × w/s) / (r/s + w/s)."),
        new("rsec/s", "field 3, sectors read", "See rkB/s.", "Δsectors / Δt.", "sectors (512 bytes) per second", "See rkB/s.",
            "rkB/s in the -x report since sysstat 11.5.7 (2017; before, with -k): rsec/s = rkB/s × 2. sysstat still prints rsec/s when POSIXLY_CORRECT is set and no -k is given."),
        new("wsec/s", "field 7, sectors written", "See wkB/s.", "Δsectors / Δt.", "sectors (512 bytes) per second", "See wkB/s.",
            "wkB/s in the -x report since sysstat 11.5.7 (2017; before, with -k): wsec/s = wkB/s × 2. sysstat still prints wsec/s when POSIXLY_CORRECT is set and no -k is given."),
    ];

    /// <summary>What <c>kashika iostat --explain COLUMN</c> prints of a column; the report page shows the same text.</summary>
    public static string Describe(ColumnMeaning c)
    {
        var text = new System.Text.StringBuilder();
        text.Append(c.Column).Append('\n');
        if (c.Became is not null)
        {
            text.Append("  became:         ").Append(c.Became).Append('\n');
        }

        text.Append("  kernel counter: ").Append(c.Counters).Append('\n');
        text.Append("  counted:        ").Append(c.Counted).Append('\n');
        text.Append("  formula:        ").Append(c.Formula).Append('\n');
        text.Append("  unit:           ").Append(c.Unit).Append('\n');
        text.Append("  traps:          ").Append(c.Traps).Append('\n');
        return text.ToString();
    }

    /// <summary>The column's meaning, by its name in any report (case-insensitive; "util" finds "%util").</summary>
    public static ColumnMeaning? Find(string column) =>
        Columns.FirstOrDefault(c => string.Equals(c.Column, column, StringComparison.OrdinalIgnoreCase))
        ?? Columns.FirstOrDefault(c => string.Equals(c.Column.TrimStart('%'), column.TrimStart('%'), StringComparison.OrdinalIgnoreCase));
}
