using System.Text;
using Kashika.Adapters.Git.Native;
using Kashika.Core.Common;
using Kashika.Core.IoStat;
using Kashika.Core.Relate;
using Kashika.Core.Trace;
using Kashika.Reports.Relate;
using Kashika.Reports.Trace;

namespace Kashika.Fuzz;

/// <summary>A parser under fuzzing: <see cref="Run"/> returns, or throws <see cref="FuzzFinding"/> (or any exception
/// other than the parser's documented one) when the input found a bug; <see cref="Seeds"/> are where mutation starts.</summary>
public sealed record FuzzTarget(string Name, string Reads, Action<byte[]> Run, Func<string, IEnumerable<byte[]>> Seeds);

/// <summary>An input that broke a parser's contract (a result it must never give).</summary>
public sealed class FuzzFinding(string message) : Exception(message);

/// <summary>
/// Every parser of an input Kashika does not control, each with its oracle: it returns, or fails with its documented
/// exception naming the input — never another exception, a hang or a crash. The property tests (CsCheck, in the normal
/// suite) and the coverage-guided harness (SharpFuzz + AFL++, <c>bench/fuzz</c>) run these same functions.
/// </summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("trace", "perf script samples and folded stacks (two option sets)", Trace, TraceSeeds),
        new("iostat-recording", "iostat recordings, checked then replayed through the engine", IoStatRecording, _ => [IoStatSeed()]),
        new("proc", "diskstats lines, sysfs stat files, /proc/stat, /proc/uptime, /proc/devices", Proc, _ => ProcSeeds),
        new("ossrel-ranking", "ossrel ranking files (count, name)", OssrelRankingFile, _ => [B("     12 Ann Author\n      3 Bob\n      1 Cy D. E\n")]),
        new("mailmap", "mailmap and --aliases files, and .mailmap blobs", MailmapFile, _ => [B("# comment\nAnn <ann@new> <ann@old>\n<bob@new> Bob <bob@old>\nCy Real <cy@x>\n<d@x> <D@Y>\n")]),
        new("git-log", "the record stream relate asks git log for (author, dates, parents; ossrel's names)", GitLogRecords, _ => GitLogSeeds),
        new("git-objects", "commit objects and pack deltas as the native git reader parses them", GitObjects, _ => GitObjectSeeds),
        new("history-cache", "cached commit logs (a cache row)", HistoryCacheRow, _ => [HistoryCacheSeed()]),
        new("pprof", "pprof profiles (protobuf, gunzipped) read as trace input", PprofProfile, _ => [PprofSeed()]),
        new("perf-data", "perf.data recordings (file mode, pipe mode, zstd-compressed) read natively and counted", PerfDataRecording, PerfDataSeeds),
        new("relate-parquet", "the projects table of a relate export (Parquet), as kashika writes it and as DuckDB rewrites it", RelateParquetTable, ParquetSeeds),
        new("damaged-repository", "a whole repository's files (refs, packs, indexes, loose objects, config), read natively and by git", DamagedRepository, RepositorySeeds),
    ];

    public static FuzzTarget Named(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no fuzz target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}");

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static void NamesInput(string message, string source)
    {
        if (!message.StartsWith(source, StringComparison.Ordinal))
        {
            throw new FuzzFinding($"an input error that does not name the input: {message}");
        }
    }

    private static void Trace(byte[] bytes)
    {
        foreach (var options in new[] { new CollapseOptions(), new CollapseOptions(Pid: true, Kernel: true, Srcline: true, TimeSlices: 10) })
        {
            try
            {
                var reader = new TraceReader(options, threads: 2, blockSize: 512);
                reader.Read(new MemoryStream(bytes), "input");
                _ = reader.Profile().Total;
            }
            catch (InputException e)
            {
                NamesInput(e.Message, "input");
            }
        }
    }

    // A recording names files (modules, kallsyms): none is read here, so a case depends on its bytes alone.
    private static void PerfDataRecording(byte[] bytes)
    {
        try
        {
            var file = Kashika.Adapters.Trace.PerfData.PerfDataFile.Open(new MemoryStream(bytes), "input");
            if (Kashika.Adapters.Trace.PerfData.PerfSession.Unsupported(file) is null)
            {
                var reader = new TraceReader(new CollapseOptions(TimeSlices: 10));
                var symbols = new Kashika.Adapters.Trace.PerfData.SymbolSource("/nonexistent", "/nonexistent") { ReadsKernel = false };
                var session = new Kashika.Adapters.Trace.PerfData.PerfSession(file, symbols);
                reader.ReadSamples("input", session.Run);
                _ = reader.Profile().Total;
            }
        }
        catch (InputException e)
        {
            NamesInput(e.Message, "input");
        }
    }

    private static IEnumerable<byte[]> PerfDataSeeds(string repositoryRoot) =>
        Directory.GetFiles(Path.Combine(repositoryRoot, "tests", "Kashika.Fuzz", "Seeds", "perf-data")).Order(StringComparer.Ordinal).Select(File.ReadAllBytes);

    private static IEnumerable<byte[]> TraceSeeds(string repositoryRoot) =>
        Directory.GetFiles(Path.Combine(repositoryRoot, "tests", "Kashika.Tests", "Trace", "Data"))
            .Order(StringComparer.Ordinal)
            .Select(f => File.ReadAllBytes(f).Take(3000).ToArray())
            .Append(B("main;a;b 5\nmain;c 3\n# comment\nmain;a 9223372036854775806\n"));

    private static void IoStatRecording(byte[] bytes)
    {
        try
        {
            var (samples, _) = RecordingReader.Check(new MemoryStream(bytes), "io.rec");
            if (samples > 0)
            {
                var reader = new RecordingReader(new MemoryStream(bytes), "io.rec");
                var source = new RecordedSystemSource(reader.Next()!, reader.Next);
                var options = new IoStatOptions { Cpu = true, Disk = true, Extended = true, Everything = true, Interval = 1, Count = -1 };
                var reports = new IoStatEngine(options, source).Reports();
                new Kashika.Reports.IoStat.IoStatTextFormat().Write(
                    new Kashika.Reports.IoStat.IoStatPrint(options, new MachineBanner("", "", "", 0, ""), reports, _ => ""), Stream.Null);
            }
        }
        catch (InputException e)
        {
            NamesInput(e.Message, "io.rec");
        }
        catch (IoStatException)
        {
            // A sample without /proc/uptime or /proc/stat: iostat's own "cannot read" error.
        }
    }

    private static byte[] IoStatSeed()
    {
        var output = new MemoryStream();
        for (int i = 0; i < 2; i++)
        {
            string stat = $"{100 + (i * 7)} 2 {800 + (i * 64)} 30 {40 + (i * 3)} 1 900 12 0 {50 + i} 70 1 0 8 2 4 3\n";
            new Recording(1_764_150_000_000 + (i * 1000),
            [
                ("proc/uptime", B($"{1000 + i}.00 {4000 + (4 * i)}.00\n")),
                ("proc/stat", B($"cpu  {50 + i} 0 20 {400 + i} 10 0 0 0 0 0\ncpu0 {50 + i} 0 20 {400 + i} 10 0 0 0 0 0\n")),
                ("proc/diskstats", B($"   8       0 sda {stat}")),
                ("sys/block/sda/stat", B(stat)),
                ("sys/class/block/sda/dev", B("8:0\n")),
            ]).AppendTo(output);
        }

        return output.ToArray();
    }

    private static byte[][] ProcSeeds =>
    [
        B("   8       0 sda 49601 2822 3195498 623970 12180 9784 821088 117109 0 32862 714408 0 0 0 0 18446744073709551615 1"),
        B("cpu  18446744073709551615 0 3 4 5 6 7 8 9 10\ncpu0 1 2 3\n"),
        B("7192.55 29212.05\n"),
        B("Character devices:\n  1 mem\n\nBlock devices:\n  8 sd\n253 device-mapper\n"),
    ];

    private static void Proc(byte[] bytes)
    {
        string text = Encoding.UTF8.GetString(bytes);
        ProcParsers.TryDiskstatsLine(text, false, out _, out _, out _, out var counters);
        ProcParsers.TryDiskstatsLine(text, true, out _, out _, out _, out _);
        _ = DeviceRates.Compute(counters, default, 100);
        _ = ProcParsers.Uptime(text);
        _ = ProcParsers.Cpu(text).Total;
        _ = ProcParsers.DeviceMapperMajor(text);
        Span<ulong> values = stackalloc ulong[17];
        _ = ProcParsers.ReadValues(text, values);
    }

    private static void OssrelRankingFile(byte[] bytes)
    {
        try
        {
            _ = OssrelRanking.Parse(new MemoryStream(bytes), "ranking");
        }
        catch (InputException e)
        {
            NamesInput(e.Message, "ranking");
        }
    }

    private static void MailmapFile(byte[] bytes)
    {
        var mailmap = new Mailmap();
        mailmap.AddFile(bytes);
        mailmap.AddBlob(bytes);
        _ = mailmap.Map("Ann", "ann@old");
        _ = mailmap.Map("", "");
    }

    private static byte[][] GitLogSeeds =>
    [
        B("Ann Author\0ann@example.org\01500000000 1500000100 ann@old.example.org\0\nBob\0bob@x\0-5 7 bob@x\0aaaa bbbb\n"),
        B("Cy\0cy@x\099999999999999999999 1 cy@x\0cccc\n\0\0\0\n"),
    ];

    private static void GitLogRecords(byte[] bytes)
    {
        foreach (bool compat in new[] { false, true })
        {
            var log = new CommitLog();
            ByteLines.Read(new MemoryStream(bytes), line => log.AddRecord(line, compat));
            var history = log.Tally(null, compat, Period.Year);
            if (history.Authors.Commits != log.Commits.Count)
            {
                throw new FuzzFinding($"{log.Commits.Count} records read, {history.Authors.Commits} commits counted");
            }
        }
    }

    private static byte[][] GitObjectSeeds =>
    [
        B("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 1111111111111111111111111111111111111111\n"
          + "author Ann Author <ann@example.org> 1500000000 +0200\ncommitter Bob <bob@x> 1500000100 -0130\nencoding ISO-8859-1\n\nmessage\n"),
        [0x40, 0x45, 0x90, 0x10, 0x05, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', 0x91, 0x20, 0x30],
    ];

    // The base a fuzzed delta applies to: 64 bytes, as a delta's first varint (0x40) says. Made per run, not as a static:
    // the harness must not enter instrumented code before the fuzzer has set up its coverage map.
    private static ObjectData DeltaBase() => new(ObjectType.Blob, [.. Enumerable.Range(0, 64).Select(i => (byte)('0' + (i % 40)))], 64);

    private static void GitObjects(byte[] bytes)
    {
        var parents = new List<ObjectId>();
        if (CommitHeader.Parse(bytes, parents, out var header))
        {
            if (Ident.TrySplit(header.Author, out var author) && author.Email.Length > bytes.Length)
            {
                throw new FuzzFinding("an author's address longer than the commit");
            }

            _ = Ident.TrySplit(header.Committer, out _);
        }

        try
        {
            var result = Delta.Apply(DeltaBase(), bytes, "pack");
            if (result.Length > (long)bytes.Length * 0x10000)
            {
                throw new FuzzFinding($"a {bytes.Length}-byte delta made {result.Length} bytes");
            }
        }
        catch (InvalidDataException e)
        {
            NamesInput(e.Message, "pack");
        }
    }

    private static byte[] HistoryCacheSeed()
    {
        var log = new CommitLog();
        int ann = log.Author("Ann <ann@example.org>"u8);
        int bob = log.Author("Bob <bob@example.org>"u8);
        log.Commits.Add(new LoggedCommit(ann, 1_500_000_000, true, false, 7));
        log.Commits.Add(new LoggedCommit(bob, -5, false, true, 9));
        return CommitLogCodec.Encode(log);
    }

    private static void HistoryCacheRow(byte[] bytes)
    {
        try
        {
            var decoded = CommitLogCodec.Decode(bytes);
            if (decoded.Commits.Any(c => c.Author < 0 || c.Author >= decoded.Authors.Count))
            {
                throw new FuzzFinding("a decoded commit whose author is not in the row");
            }
        }
        catch (InvalidDataException)
        {
            // The documented failure: a damaged cache row is read around.
        }
    }

    private static byte[] PprofSeed()
    {
        var reader = new TraceReader(new CollapseOptions(Labels: ["host=web1"]));
        reader.Read(new MemoryStream(B("app-12/13;main;work 5\napp-12/13;main;idle 2\n")), "seed");
        var gzipped = new MemoryStream();
        Pprof.Format.Write(reader.Profile(), gzipped);
        gzipped.Position = 0;
        var plain = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionMode.Decompress))
        {
            gzip.CopyTo(plain);
        }

        return plain.ToArray();
    }

    private static void PprofProfile(byte[] bytes)
    {
        var reader = new TraceReader(new CollapseOptions());
        try
        {
            if (TraceInputKinds.Detect(bytes, whole: true) == TraceInputKind.Pprof)
            {
                Kashika.Adapters.Trace.PprofReader.Read(new MemoryStream(bytes), "profile.pb", reader);
                _ = reader.Profile().Total;
            }
        }
        catch (InputException e)
        {
            NamesInput(e.Message, "profile.pb");
        }
    }

    // Made per call, not as a static (as DeltaBase): no instrumented code before the fuzzer's coverage map is set up.
    private static RelateExport SeedExport() =>
        RelateParquet.ExportOf(new RelateTables([new ProjectRow("a", 0, "/src/a", 3, 2, 1, 0), new ProjectRow("b", 1, "/src/b", 1, 1, 0, 0)], [], []));

    // Kashika's own table, and DuckDB's rewrites of it (OPTIONAL columns, dictionary and plain pages, one row a group,
    // INT64 where the export writes INT32), made once with DuckDB.NET from an export of two small repositories.
    private static IEnumerable<byte[]> ParquetSeeds(string repositoryRoot) =>
        Directory.GetFiles(Path.Combine(repositoryRoot, "tests", "Kashika.Tests", "Relate", "Data", "parquet"), "*.parquet")
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .Prepend(ParquetSeed());

    private static byte[] ParquetSeed()
    {
        var output = new MemoryStream();
        RelateParquet.Files[0].Write(SeedExport(), output);
        return output.ToArray();
    }

    // A projects table read as relate --from-parquet reads it (beside the seed export's contributions and copies).
    private static void RelateParquetTable(byte[] bytes)
    {
        string folder = Path.Combine(Path.GetTempPath(), "kashika-fuzz-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "projects.parquet"), bytes);
        foreach (var table in RelateParquet.Files.Skip(1).Where(t => !File.Exists(Path.Combine(folder, t.Name))))
        {
            using var file = File.Create(Path.Combine(folder, table.Name));
            table.Write(SeedExport(), file);
        }

        try
        {
            var tables = RelateParquet.Read([folder], folder);
            _ = tables.Relate(Metric.Ossrel, _ => { });
        }
        catch (InputException e)
        {
            NamesInput(e.Message, folder);
        }
    }

    // A repository as the fuzzer sees it: its files one after another, each a name (NUL-terminated), a 4-byte big-endian
    // length and the bytes. A length past the end takes what is left, so every mutation is still some repository.
    private static IEnumerable<(string Name, byte[] Data)> Files(byte[] bytes)
    {
        for (int at = 0; at < bytes.Length;)
        {
            int end = Array.IndexOf(bytes, (byte)0, at);
            if (end < 0 || end + 5 > bytes.Length)
            {
                yield break;
            }

            string name = Encoding.Latin1.GetString(bytes, at, end - at);
            int length = (int)Math.Min(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(end + 1)), (uint)(bytes.Length - end - 5));
            yield return (name, bytes[(end + 5)..(end + 5 + length)]);
            at = end + 5 + length;
        }
    }

    // Names stay inside the repository: plain relative paths of git's own characters, nothing leading out.
    private static bool Inside(string name) =>
        name.Length is > 0 and < 200 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_')
        && !name.StartsWith('/') && !name.Split('/').Any(part => part is "" or "." or "..");

    // Real repositories, each as git wrote it: packed with deltas (long similar messages), a .mailmap, merges, tags and
    // packed-refs; one of loose objects only; one with a shallow file and a branch left loose.
    private static IEnumerable<byte[]> RepositorySeeds(string repositoryRoot)
    {
        string work = Path.Combine(Path.GetTempPath(), "kashika-fuzz-seeds-" + Environment.ProcessId);
        string[][] recipes =
        [
            ["commit -q --allow-empty -m one --author=Ann<ann@example.org>", "mailmap", "commit -q --allow-empty -m two --author=Bob<bob@old.example>",
             "checkout -q -b side", "commit -q --allow-empty -m side --author=Cy<cy@example.org>", "checkout -q -", "merge -q --no-ff -m merged side",
             "tag -a v1 -m release", "long", "gc -q --aggressive", "pack-refs --all"],
            ["commit -q --allow-empty -m one --author=Ann<ann@example.org>", "commit -q --allow-empty -m two --author=Dee<dee@example.org>"],
            ["commit -q --allow-empty -m one --author=Ann<ann@example.org>", "long", "repack -adq", "branch loose", "shallow"],
        ];
        foreach (var recipe in recipes)
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            Git(work, "init", "-q", "-b", "main", ".");
            foreach (string step in recipe)
            {
                switch (step)
                {
                    case "mailmap":
                        File.WriteAllText(Path.Combine(work, ".mailmap"), "Bob New <bob@example.org> <bob@old.example>\n");
                        Git(work, "add", ".mailmap");
                        Git(work, "commit", "-q", "-m", "mailmap", "--author=Ann<ann@example.org>");
                        break;
                    case "long":
                        for (int i = 0; i < 6; i++)
                        {
                            Git(work, "commit", "-q", "--allow-empty", "--author=Eve<eve@example.org>", "-m",
                                string.Concat(Enumerable.Repeat("A long message, nearly the same each time, stored as a delta. ", 12)) + i);
                        }

                        break;
                    case "shallow":
                        File.WriteAllText(Path.Combine(work, ".git", "shallow"), Git(work, "rev-parse", "HEAD~2").Trim() + "\n");
                        break;
                    default:
                        Git(work, step.Split(' '));
                        break;
                }
            }

            string git = Path.Combine(work, ".git");
            var seed = new MemoryStream();
            foreach (string file in Directory.EnumerateFiles(git, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string name = Path.GetRelativePath(git, file);
                if (name.StartsWith("hooks/", StringComparison.Ordinal) || name.StartsWith("logs/", StringComparison.Ordinal) || name is "index" or "description" || name.StartsWith("info/", StringComparison.Ordinal))
                {
                    continue;
                }

                byte[] data = File.ReadAllBytes(file);
                seed.Write(Encoding.Latin1.GetBytes(name + "\0"));
                byte[] length = new byte[4];
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
                seed.Write(length);
                seed.Write(data);
            }

            yield return seed.ToArray();
        }

        Directory.Delete(work, recursive: true);
    }

    private static string Git(string directory, params string[] arguments)
    {
        Directory.CreateDirectory(directory);
        var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["-c", "user.name=Ann", "-c", "user.email=ann@example.org", "-c", "commit.gpgsign=false", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_COMMITTER_DATE"] = start.Environment["GIT_AUTHOR_DATE"] = "2021-03-01T10:00:00Z";
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error.Result}");
    }

    // The repository written as a bare one, then read by both readers: the native reader must give git's history, or
    // hand the repository to git (as it does for anything it does not read as git would). A history git refuses, or
    // one that differs from git's, is a finding — a wrong figure with exit 0.
    private static void DamagedRepository(byte[] bytes)
    {
        string folder = Path.Combine(Path.GetTempPath(), "kashika-fuzz-repo-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        foreach (string part in (string[])["objects", "refs"])
        {
            Directory.CreateDirectory(Path.Combine(folder, part));
        }

        foreach (var (name, data) in Files(bytes).Where(f => Inside(f.Name)))
        {
            string path = Path.Combine(folder, name);
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, data);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A name that is a folder already (Linux says EISDIR: "access denied"), or under a file: the repository
                // has the first of the two.
            }
        }

        // Both readers read the same configuration (the process's: the harness sets none but the repository's; a test
        // process leaves its environment alone, which its other tests' git processes inherit).
        var repository = new Kashika.Adapters.Git.GitRepository("repo", folder, folder);
        var request = new Kashika.Adapters.Git.GitLogRequest(false, "HEAD", null, null, null, Period.Quarter);
        string native = Read(repository, request, Kashika.Adapters.Git.GitReader.Native, out string reader);
        string git = Read(repository, request, Kashika.Adapters.Git.GitReader.Git, out string gitSaid);
        if (native != git)
        {
            string files = string.Join(", ", Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => $"{Path.GetRelativePath(folder, f)} ({new FileInfo(f).Length} B)"));
            if (Environment.GetEnvironmentVariable("KASHIKA_FUZZ_KEEP") is { Length: > 0 } keep)
            {
                File.WriteAllBytes(keep, bytes); // the case, to replay with Kashika.Fuzz damaged-repository FILE
            }

            throw new FuzzFinding($"the native reader ({reader}) read {native}; git read {git} ({gitSaid}); the repository: {files}");
        }
    }

    private static string Read(Kashika.Adapters.Git.GitRepository repository, Kashika.Adapters.Git.GitLogRequest request, Kashika.Adapters.Git.GitReader reader, out string how)
    {
        how = "";
        try
        {
            var history = Kashika.Adapters.Git.HistoryReader.Read(repository, new(request, reader, null, null, null), _ => { }, CancellationToken.None);
            how = history.Reader;
            return string.Join("; ", history.History.Authors.Records.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value.NonMerges}+{r.Value.Merges}"))
                + $" | by quarter: {string.Join(", ", history.History.ByPeriod.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value.Commits}"))}"
                + $" | undated {history.History.Undated}, prints {history.History.Prints.Count}{(history.Shallow ? ", shallow" : "")}";
        }
        catch (Kashika.Adapters.Git.RepositoryException e)
        {
            how = e.Message;
            return e.Empty ? "empty" : "an error"; // git's words differ with the damage; that both refuse is the point
        }
    }
}
