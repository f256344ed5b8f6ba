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

    private static readonly ParquetSchema ProjectsSchema = new(Project, InputOrder, Source, Commits, Developers, ExcludedBots, ExcludedMerges);
    private static readonly ParquetSchema ContributionsSchema = new(Project, Identity, Name, PeriodField, Commits, FirstCommit, LastCommit);
    private static readonly ParquetSchema CopiesSchema = new(ProjectA, ProjectB, Identity, PeriodField, Commits);

    /// <summary>The three files of an export, each written whole or not at all (<see cref="ReportWriter"/>).</summary>
    public static IReadOnlyList<IReportFormat<RelateTables>> Files { get; } =
    [
        new Table<ProjectRow>("projects.parquet", t => t.Projects, ProjectsSchema, WriteProjects),
        new Table<ContributionRow>("contributions.parquet", t => t.Contributions, ContributionsSchema, WriteContributions),
        new Table<CopiedRow>("copies.parquet", t => t.Copies, CopiesSchema, WriteCopies),
    ];

    private sealed class Table<TRow>(string file, Func<RelateTables, IReadOnlyList<TRow>> rows, ParquetSchema schema, Func<ParquetRowGroupWriter, List<TRow>, Task> write)
        : IReportFormat<RelateTables>
    {
        public string Name => file;

        public string? DefaultFileName => file;

        public void Write(RelateTables model, Stream output) => WriteAsync(rows(model), output).GetAwaiter().GetResult();

        private async Task WriteAsync(IReadOnlyList<TRow> all, Stream output)
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, output, new ParquetOptions { CompressionMethod = CompressionMethod.Zstd });
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

            foreach (string file in Files("projects"))
            {
                ReadTable(file, Path.Combine(folder, Path.GetFileName(file)), ProjectsSchema, async (group, n) =>
                {
                    var (project, order, source, commits, developers, bots, merges) = (
                        await Strings(group, Project, n), await Values(group, InputOrder, n), await Strings(group, Source, n), await Values(group, Commits, n),
                        await Values(group, Developers, n), await Values(group, ExcludedBots, n), await Values(group, ExcludedMerges, n));
                    for (int i = 0; i < n; i++)
                    {
                        projects.Add(new ProjectRow(project[i], order[i], source[i], commits[i], developers[i], bots[i], merges[i]));
                    }
                });
            }

            foreach (string file in Files("contributions"))
            {
                ReadTable(file, Path.Combine(folder, Path.GetFileName(file)), ContributionsSchema, async (group, n) =>
                {
                    var (project, identity, name, period, commits, first, last) = (
                        await Strings(group, Project, n), await Strings(group, Identity, n), await Strings(group, Name, n), await Strings(group, PeriodField, n),
                        await Values(group, Commits, n), await Times(group, FirstCommit, n), await Times(group, LastCommit, n));
                    for (int i = 0; i < n; i++)
                    {
                        contributions.Add(new ContributionRow(project[i], identity[i], name[i], period[i], commits[i], first[i], last[i]));
                    }
                });
            }

            foreach (string file in Files("copies"))
            {
                ReadTable(file, Path.Combine(folder, Path.GetFileName(file)), CopiesSchema, async (group, n) =>
                {
                    var (a, b, identity, period, commits) = (
                        await Strings(group, ProjectA, n), await Strings(group, ProjectB, n), await Strings(group, Identity, n), await Strings(group, PeriodField, n),
                        await Values(group, Commits, n));
                    for (int i = 0; i < n; i++)
                    {
                        copies.Add(new CopiedRow(a[i], b[i], identity[i], period[i], commits[i]));
                    }
                });
            }
        }

        return new RelateTables(projects, contributions, copies);
    }

    private static void ReadTable(string file, string shown, ParquetSchema schema, Func<ParquetRowGroupReader, int, Task> rows)
    {
        try
        {
            ReadAsync(file, shown, schema, rows).GetAwaiter().GetResult();
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

    private static async Task ReadAsync(string file, string shown, ParquetSchema schema, Func<ParquetRowGroupReader, int, Task> rows)
    {
        using var stream = File.OpenRead(file);
        // Parquet.Net's footer reader spins for ever on some damaged footers (found by fuzzing: a varint read past the
        // footer's end); a footer takes milliseconds to read, so one that takes seconds is that.
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
        foreach (var field in schema.DataFields)
        {
            var found = reader.Schema.DataFields.FirstOrDefault(f => f.Name == field.Name);
            if (found is null || found.ClrType != field.ClrType)
            {
                throw new InputException($"{shown}: no column {field.Name} of the type an export writes (not a table of a relate export)");
            }
        }

        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            await rows(group, checked((int)group.RowCount));
        }
    }

    private static async Task<string[]> Strings(ParquetRowGroupReader group, DataField<string> field, int n)
    {
        var values = new string?[n];
        await group.ReadAsync(field, values.AsMemory());
        return [.. values.Select(v => v ?? throw new InvalidDataException($"a null in column {field.Name}"))];
    }

    private static async Task<T[]> Values<T>(ParquetRowGroupReader group, DataField<T> field, int n)
        where T : struct
    {
        var values = new T[n];
        await group.ReadAsync(field, values.AsMemory());
        return values;
    }

    private static async Task<long?[]> Times(ParquetRowGroupReader group, DataField field, int n)
    {
        var values = new DateTime?[n];
        await group.ReadAsync<DateTime>(field, values.AsMemory());
        return [.. values.Select(v => v is { } t ? (long?)(long)(t - DateTime.UnixEpoch).TotalSeconds : null)];
    }
}
