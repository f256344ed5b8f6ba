using Kashika.Core.Common;
using Kashika.Core.Relate;
using Parquet;
using Parquet.Schema;

namespace Kashika.Reports.Relate;

/// <summary>
/// relate's tables as Parquet (Parquet.Net, fully managed, so the NativeAOT program needs no native library): written
/// by <c>relate export --parquet DIR</c>, read back by <c>relate --from-parquet DIR</c>. The columns, in one place for
/// both directions, are documented in docs/scale.md.
/// </summary>
public static class RelateParquet
{
    private static readonly TimeSpan FooterDeadline = TimeSpan.FromSeconds(10);

    /// <summary>Rows per row group: a reader holds one group of one file at a time.</summary>
    private const int RowGroupRows = 1 << 20;

    private static readonly DataField<string> Project = new("project");
    private static readonly DataField<int> InputOrder = new("input_order");
    private static readonly DataField<string> Source = new("source");
    private static readonly DataField<long> Commits = new("commits");
    private static readonly DataField<int> Developers = new("developers");
    private static readonly DataField<long> ExcludedBots = new("excluded_bot_commits");
    private static readonly DataField<long> ExcludedMerges = new("excluded_merge_commits");
    private static readonly DataField<string> Identity = new("identity");
    private static readonly DataField<string> Name = new("name");
    private static readonly DataField<string> PeriodField = new("period");
    private static readonly DateTimeDataField FirstCommit = new("first_commit", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
    private static readonly DateTimeDataField LastCommit = new("last_commit", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
    private static readonly DataField<string> ProjectA = new("project_a");
    private static readonly DataField<string> ProjectB = new("project_b");

    private static readonly DataField<int> ProjectCommunity = new("project_community");
    private static readonly DataField<int> Rank = new("rank");
    private static readonly DataField<string> Neighbour = new("neighbour");
    private static readonly DataField<int> NeighbourCommunity = new("neighbour_community");
    private static readonly DataField<double> Value = new("relatedness");
    private static readonly DataField<long> SumMin = new("sum_min");
    private static readonly DataField<int> Shared = new("shared");

    private static readonly ParquetSchema ProjectsSchema = new(Project, InputOrder, Source, Commits, Developers, ExcludedBots, ExcludedMerges);
    private static readonly ParquetSchema ContributionsSchema = new(Project, Identity, Name, PeriodField, Commits, FirstCommit, LastCommit);
    private static readonly ParquetSchema CopiesSchema = new(ProjectA, ProjectB, Identity, PeriodField, Commits);
    private static readonly ParquetSchema NeighboursSchema = new(Project, ProjectCommunity, Rank, Neighbour, NeighbourCommunity, Value, SumMin, Shared);

    // What follows from the counts, written beside them for reading; relating the tables again does not read it.
    private const string NeighboursFile = "neighbours.parquet";

    /// <summary>The files of an export (<see cref="ReportWriter.WriteSet"/> writes them as one set): three tables of counts
    /// and each project's strongest pairs with its community (<see cref="NeighbourRow"/>). Each carries
    /// the export's id, the names of the set's files and its own row count (Parquet key-value metadata), so a reader
    /// can tell one export's files from a mix.</summary>
    public static IReadOnlyList<IReportFormat<RelateExport>> Files { get; } =
    [
        new Table<ProjectRow>("projects.parquet", t => t.Projects, ProjectsSchema, WriteProjects),
        new Table<ContributionRow>("contributions.parquet", t => t.Contributions, ContributionsSchema, WriteContributions),
        new Table<CopiedRow>("copies.parquet", t => t.Copies, CopiesSchema, WriteCopies),
        new Table<NeighbourRow>(NeighboursFile, t => t.Neighbours, NeighboursSchema, WriteNeighbours),
    ];

    private const string IdKey = "kashika.export", FilesKey = "kashika.export.files", RowsKey = "kashika.export.rows";

    private static string FileNames => string.Join(' ', Files.Select(f => f.Name));

    /// <summary>Tables to export, with their id: a hash of their rows, so an export's id is the same every time it is
    /// made from the same counts (the files stay deterministic) and differs when any count does.</summary>
    public static RelateExport ExportOf(RelateTables tables)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        void Add(params object?[] fields) => hash.AppendData(System.Text.Encoding.UTF8.GetBytes(string.Join('\0', fields) + "\n"));
        foreach (var p in tables.Projects)
        {
            Add("p", p.Project, p.InputOrder, p.Source, p.Commits, p.Developers, p.ExcludedBotCommits, p.ExcludedMergeCommits);
        }

        foreach (var c in tables.Contributions)
        {
            Add("c", c.Project, c.Identity, c.Name, c.Period, c.Commits, c.FirstCommit, c.LastCommit);
        }

        foreach (var c in tables.Copies)
        {
            Add("x", c.ProjectA, c.ProjectB, c.Identity, c.Period, c.Commits);
        }

        foreach (var n in tables.Neighbours)
        {
            Add("n", n.Project, n.ProjectCommunity, n.Rank, n.Neighbour, n.NeighbourCommunity, n.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), n.SumMin, n.Shared);
        }

        return new RelateExport(tables, Convert.ToHexStringLower(hash.GetHashAndReset())[..16]);
    }

    private sealed class Table<TRow>(string file, Func<RelateTables, IReadOnlyList<TRow>> rows, ParquetSchema schema, Func<ParquetRowGroupWriter, List<TRow>, Task> write)
        : IReportFormat<RelateExport>
    {
        public string Name => file;

        public string? DefaultFileName => file;

        public void Write(RelateExport model, Stream output) => WriteAsync(rows(model.Tables), model.Id, output).GetAwaiter().GetResult();

        private async Task WriteAsync(IReadOnlyList<TRow> all, string id, Stream output)
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, output, new ParquetOptions { CompressionMethod = CompressionMethod.Zstd });
            writer.CustomMetadata = new Dictionary<string, string>
            {
                [IdKey] = id,
                [FilesKey] = FileNames,
                [RowsKey] = all.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };

            // A table with no rows still gets one (empty) group, so every engine sees its columns.
            for (int start = 0; start == 0 || start < all.Count; start += RowGroupRows)
            {
                using var group = writer.CreateRowGroup();
                await write(group, [.. all.Skip(start).Take(RowGroupRows)]);
            }
        }
    }

    private static async Task WriteProjects(ParquetRowGroupWriter group, List<ProjectRow> rows)
    {
        await group.WriteAsync(Project, rows.ConvertAll(r => r.Project));
        await group.WriteAsync<int>(InputOrder, rows.ConvertAll(r => r.InputOrder).ToArray());
        await group.WriteAsync(Source, rows.ConvertAll(r => r.Source));
        await group.WriteAsync<long>(Commits, rows.ConvertAll(r => r.Commits).ToArray());
        await group.WriteAsync<int>(Developers, rows.ConvertAll(r => r.Developers).ToArray());
        await group.WriteAsync<long>(ExcludedBots, rows.ConvertAll(r => r.ExcludedBotCommits).ToArray());
        await group.WriteAsync<long>(ExcludedMerges, rows.ConvertAll(r => r.ExcludedMergeCommits).ToArray());
    }

    private static async Task WriteContributions(ParquetRowGroupWriter group, List<ContributionRow> rows)
    {
        await group.WriteAsync(Project, rows.ConvertAll(r => r.Project));
        await group.WriteAsync(Identity, rows.ConvertAll(r => r.Identity));
        await group.WriteAsync(Name, rows.ConvertAll(r => r.Name));
        await group.WriteAsync(PeriodField, rows.ConvertAll(r => r.Period));
        await group.WriteAsync<long>(Commits, rows.ConvertAll(r => r.Commits).ToArray());
        await group.WriteAsync<DateTime>(FirstCommit, rows.ConvertAll(r => Time(r.FirstCommit)).ToArray());
        await group.WriteAsync<DateTime>(LastCommit, rows.ConvertAll(r => Time(r.LastCommit)).ToArray());
    }

    private static async Task WriteCopies(ParquetRowGroupWriter group, List<CopiedRow> rows)
    {
        await group.WriteAsync(ProjectA, rows.ConvertAll(r => r.ProjectA));
        await group.WriteAsync(ProjectB, rows.ConvertAll(r => r.ProjectB));
        await group.WriteAsync(Identity, rows.ConvertAll(r => r.Identity));
        await group.WriteAsync(PeriodField, rows.ConvertAll(r => r.Period));
        await group.WriteAsync<long>(Commits, rows.ConvertAll(r => r.Commits).ToArray());
    }

    private static async Task WriteNeighbours(ParquetRowGroupWriter group, List<NeighbourRow> rows)
    {
        await group.WriteAsync(Project, rows.ConvertAll(r => r.Project));
        await group.WriteAsync<int>(ProjectCommunity, rows.ConvertAll(r => r.ProjectCommunity).ToArray());
        await group.WriteAsync<int>(Rank, rows.ConvertAll(r => r.Rank).ToArray());
        await group.WriteAsync(Neighbour, rows.ConvertAll(r => r.Neighbour));
        await group.WriteAsync<int>(NeighbourCommunity, rows.ConvertAll(r => r.NeighbourCommunity).ToArray());
        await group.WriteAsync<double>(Value, rows.ConvertAll(r => r.Value).ToArray());
        await group.WriteAsync<long>(SumMin, rows.ConvertAll(r => r.SumMin).ToArray());
        await group.WriteAsync<int>(Shared, rows.ConvertAll(r => r.Shared).ToArray());
    }

    private static DateTime? Time(long? unixSeconds) => unixSeconds is { } s ? DateTime.UnixEpoch.AddSeconds(s) : null;

    /// <summary>The tables of one or more exports: every projects*.parquet, contributions*.parquet and copies*.parquet
    /// in each folder (exports of many machines, side by side).</summary>
    /// <exception cref="InputException">A folder without the files, or a file that is not an export's table.</exception>
    public static RelateTables Read(IReadOnlyList<string> folders, string currentDirectory)
    {
        var projects = new List<ProjectRow>();
        var contributions = new List<ContributionRow>();
        var copies = new List<CopiedRow>();
        foreach (string folder in folders)
        {
            string full = Path.GetFullPath(folder, currentDirectory);
            if (!Directory.Exists(full))
            {
                throw new InputException($"{folder}: no such directory");
            }

            string[] Files(string prefix) => [.. Directory.EnumerateFiles(full, prefix + "*.parquet").Order(StringComparer.Ordinal)];
            if (Files("projects").Length == 0 || Files("contributions").Length == 0)
            {
                throw new InputException($"{folder}: no projects*.parquet and contributions*.parquet (made by kashika relate export --parquet)");
            }

            var sets = new List<(string File, IReadOnlyDictionary<string, string> Metadata, long Rows)>();

            foreach (string file in Files("projects"))
            {
                sets.Add(ReadTable(file, Path.Combine(folder, Path.GetFileName(file)), ProjectsSchema, async group =>
                {
                    var (project, order, source, commits, developers, bots, merges) = (
                        await group.Strings(Project), await group.Integers(InputOrder, int.MaxValue), await group.Strings(Source), await group.Integers(Commits, long.MaxValue),
                        await group.Integers(Developers, int.MaxValue), await group.Integers(ExcludedBots, long.MaxValue), await group.Integers(ExcludedMerges, long.MaxValue));
                    for (int i = 0; i < project.Length; i++)
                    {
                        projects.Add(new ProjectRow(project[i], (int)order[i], source[i], commits[i], (int)developers[i], bots[i], merges[i]));
                    }
                }));
            }

            foreach (string file in Files("contributions"))
            {
                sets.Add(ReadTable(file, Path.Combine(folder, Path.GetFileName(file)), ContributionsSchema, async group =>
                {
                    var (project, identity, name, period, commits, first, last) = (
                        await group.Strings(Project), await group.Strings(Identity), await group.Strings(Name), await group.Strings(PeriodField),
                        await group.Integers(Commits, long.MaxValue), await group.Times(FirstCommit), await group.Times(LastCommit));
                    for (int i = 0; i < project.Length; i++)
                    {
                        contributions.Add(new ContributionRow(project[i], identity[i], name[i], period[i], commits[i], first[i], last[i]));
                    }
                }));
            }

            foreach (string file in Files("copies"))
            {
                sets.Add(ReadTable(file, Path.Combine(folder, Path.GetFileName(file)), CopiesSchema, async group =>
                {
                    var (a, b, identity, period, commits) = (
                        await group.Strings(ProjectA), await group.Strings(ProjectB), await group.Strings(Identity), await group.Strings(PeriodField),
                        await group.Integers(Commits, long.MaxValue));
                    for (int i = 0; i < a.Length; i++)
                    {
                        copies.Add(new CopiedRow(a[i], b[i], identity[i], period[i], commits[i]));
                    }
                }));
            }

            CheckSet(folder, sets, Files("copies").Length > 0);
        }

        return new RelateTables(projects, contributions, copies);
    }

    // One export's files name each other; files an engine rewrote carry no such names and are taken when all three
    // tables are there (without copies, a fork's copied history would count as work shared).
    private static void CheckSet(string folder, List<(string File, IReadOnlyDictionary<string, string> Metadata, long Rows)> files, bool copies)
    {
        var marked = files.Where(f => f.Metadata.ContainsKey(IdKey)).ToList();
        var ids = marked.Select(f => f.Metadata[IdKey]).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count > 1)
        {
            throw new InputException($"{folder}: its tables come from different exports ({string.Join(", ", marked.Select(f => $"{Path.GetFileName(f.File)} from export {f.Metadata[IdKey]}"))}): "
                + "an export interrupted while its files were replaced, or files put together by hand; export again");
        }

        if (ids.Count == 1)
        {
            var names = marked[0].Metadata.GetValueOrDefault(FilesKey, "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (string name in names.Where(n => n != NeighboursFile && !files.Any(f => Path.GetFileName(f.File) == n)))
            {
                throw new InputException($"{folder}: {name} of export {ids[0]} is missing (its other tables are here): export again, or restore the file");
            }

            // A file without the names is a table rewritten by another program: taken as it is.
            foreach (var (file, metadata, rows) in marked)
            {
                if (!names.Contains(Path.GetFileName(file)))
                {
                    throw new InputException($"{Path.Combine(folder, Path.GetFileName(file))}: not one of export {ids[0]}'s files ({string.Join(", ", names)}): move it out of {folder}");
                }

                if (metadata.TryGetValue(RowsKey, out string? declared) && declared != rows.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    throw new InputException($"{Path.Combine(folder, Path.GetFileName(file))}: {rows:N0} rows where export {ids[0]} wrote {declared}");
                }
            }
        }
        else if (!copies)
        {
            throw new InputException($"{folder}: no copies*.parquet: tables rewritten by another program must keep all three (docs/scale.md)");
        }
    }

    private static (string File, IReadOnlyDictionary<string, string> Metadata, long Rows) ReadTable(string file, string shown, ParquetSchema schema, Func<RowGroup, Task> rows)
    {
        try
        {
            return ReadAsync(file, shown, schema, rows).GetAwaiter().GetResult();
        }
        catch (OutOfMemoryException e)
        {
            // Found by fuzzing: a footer whose lengths ask for more than an array can hold (843 bytes asking for 2 GiB).
            throw new InputException($"{shown}: not a table of a relate export (it asks for more memory than can be had: {e.Message.TrimEnd('.')})");
        }
        catch (Exception e) when (e is not (InputException or OperationCanceledException))
        {
            // Parquet.Net and its codecs fail on a damaged file in their own ways (found by fuzzing: ZstdException from a
            // damaged page): whatever they throw on a file is the file's fault.
            throw new InputException($"{shown}: not a table of a relate export ({e.Message})");
        }
    }

    private static async Task<(string File, IReadOnlyDictionary<string, string> Metadata, long Rows)> ReadAsync(string file, string shown, ParquetSchema schema, Func<RowGroup, Task> rows)
    {
        using var stream = File.OpenRead(file);
        // Parquet.Net's footer reader spins for seconds or for ever on some damaged footers (found by fuzzing: varints
        // read past the footer's end): the footer is checked as Thrift first, in one pass over its bytes.
        if (ParquetFooter.Problem(stream) is { } problem)
        {
            throw new InputException($"{shown}: not a table of a relate export ({problem})");
        }

        // And should a whole footer still take Parquet.Net seconds (milliseconds is what one takes), that is damage too.
        var opening = Task.Run(() => ParquetReader.CreateAsync(stream));
        ParquetReader reader;
        try
        {
            reader = await opening.WaitAsync(FooterDeadline);
        }
        catch (TimeoutException)
        {
            throw new InputException($"{shown}: not a table of a relate export (its footer could not be read in {FooterDeadline.TotalSeconds:0} s: damaged)");
        }

        await using var owned = reader;
        // Columns are found by name and taken as the file has them: REQUIRED or OPTIONAL (as DuckDB, Spark and pandas
        // write them), dictionary or plain, INT32 or INT64; a null where the export has a value is an error.
        var columns = new Dictionary<string, DataField>(StringComparer.Ordinal);
        foreach (var field in schema.DataFields)
        {
            var found = reader.Schema.DataFields.FirstOrDefault(f => f.Name == field.Name);
            bool integer = field.ClrType == typeof(int) || field.ClrType == typeof(long);
            if (found is null || found.IsArray
                || (integer ? found.ClrType != typeof(int) && found.ClrType != typeof(long) : found.ClrType != field.ClrType))
            {
                throw new InputException($"{shown}: no column {field.Name} of the type an export writes (not a table of a relate export)");
            }

            columns[field.Name] = found;
        }

        long total = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            await rows(new RowGroup(group, columns, $"{shown}, row group {g + 1}", checked((int)group.RowCount)));
            total += group.RowCount;
        }

        return (file, reader.CustomMetadata ?? new Dictionary<string, string>(), total);
    }

    // One row group of a table, its columns read as the file stores them (an OPTIONAL column through the reader's
    // nullable overload: read as REQUIRED, its values would be misaligned) and checked as the export means them.
    private sealed class RowGroup(ParquetRowGroupReader group, Dictionary<string, DataField> columns, string where, int rows)
    {
        private InputException Null(DataField field, int row) => new($"{where}: column {field.Name} is empty (null) in row {row + 1}, where an export has a value");

        public async Task<string[]> Strings(DataField field)
        {
            var data = new string?[rows];
            await group.ReadAsync(columns[field.Name], data.AsMemory()!);
            var values = new string[rows];
            for (int i = 0; i < rows; i++)
            {
                values[i] = data[i] ?? throw Null(field, i);
            }

            return values;
        }

        /// <summary>Whole numbers from 0 to <paramref name="max"/>, stored as INT32 or INT64.</summary>
        public async Task<long[]> Integers(DataField field, long max)
        {
            var found = columns[field.Name];
            long?[] data = found.ClrType == typeof(int)
                ? [.. (await Read<int>(found)).Select(v => (long?)v)]
                : await Read<long>(found);
            var values = new long[rows];
            for (int i = 0; i < rows; i++)
            {
                long value = data[i] ?? throw Null(field, i);
                values[i] = value >= 0 && value <= max ? value : throw new InputException($"{where}: column {field.Name} holds {value} in row {i + 1}: a count from 0 to {max:N0}");
            }

            return values;
        }

        /// <summary>Timestamps as Unix seconds; null where unknown (--compat ossrel).</summary>
        public async Task<long?[]> Times(DataField field) =>
            [.. (await Read<DateTime>(columns[field.Name])).Select(t => t is { } time ? (long?)(long)(time - DateTime.UnixEpoch).TotalSeconds : null)];

        private async Task<T?[]> Read<T>(DataField found)
            where T : struct
        {
            var values = new T?[rows];
            if (found.IsNullable)
            {
                await group.ReadAsync(found, values.AsMemory());
                return values;
            }

            var required = new T[rows];
            await group.ReadAsync(found, required.AsMemory());
            for (int i = 0; i < rows; i++)
            {
                values[i] = required[i];
            }

            return values;
        }
    }

}
