using System.Collections.Concurrent;
using System.Reflection;
using Kashika.Adapters.Git;
using Kashika.Core.Common;
using Kashika.Core.Relate;
using Kashika.Reports;
using Kashika.Reports.Relate;

namespace Kashika.Cli.Relate;

/// <summary><c>kashika relate</c>: read histories (or ranking files), relate the projects, write the report.</summary>
internal static class RelateRun
{
    public static ExitCode Execute(RelateArguments arguments, CliContext context, CancellationToken cancel)
    {
        if (Conflict(arguments) is { } conflict)
        {
            context.Fail(conflict);
            return ExitCode.Usage;
        }

        BotRules? bots;
        try
        {
            bots = arguments.IncludeBots ? null
                : new BotRules(arguments.BotPatterns.Count == 0 ? null : string.Join('|', arguments.BotPatterns.Select(p => $"(?:{p})")));
        }
        catch (ArgumentException e)
        {
            context.Fail($"--bot-pattern: not a valid regular expression: {e.Message}");
            return ExitCode.Usage;
        }
        catch (NotSupportedException e)
        {
            context.Fail($"--bot-pattern: backreferences and lookarounds are not supported (patterns run in linear time): {e.Message}");
            return ExitCode.Usage;
        }

        var metric = ParseMetric(arguments.Metric);
        bool ossrel = arguments.Compat is not null || arguments.FromRanking is not null;
        IReadOnlyList<NotSame>? vetoes = null;
        if (arguments.NotSame is { } vetoFile)
        {
            try
            {
                vetoes = NotSame.Parse(File.ReadAllText(Path.GetFullPath(vetoFile, context.CurrentDirectory)), vetoFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Fail($"{vetoFile}: {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}");
                return ExitCode.InputError;
            }
            catch (InputException e)
            {
                context.Fail(e.Message);
                return ExitCode.InputError;
            }
        }

        var rules = ossrel ? IdentityRules.Ossrel : new IdentityRules(ParseIdentity(arguments.Identity), bots, arguments.CountMerges, vetoes);
        var settings = new RelateSettings(
            Input: arguments.FromRanking is not null ? "ossrel-ranking" : arguments.FromParquet is not null ? "parquet" : "git",
            Metric: metric.CliName(),
            Identity: ossrel ? "ossrel-name" : arguments.Identity,
            Mailmap: !ossrel && !arguments.NoMailmap,
            Aliases: arguments.Aliases is null ? null : Path.GetFileName(arguments.Aliases),
            NotSame: vetoes?.Select(v => $"{v.Address} ≠ {v.Other}").ToList(),
            ExcludeBots: rules.Bots is not null,
            BotPattern: rules.Bots?.ExtraPattern,
            CountMerges: rules.CountMerges,
            Revision: arguments.FromRanking is null && arguments.FromParquet is null ? arguments.Revision ?? "HEAD" : null,
            Since: arguments.Since,
            Until: arguments.Until,
            Compat: ossrel ? "ossrel" : null,
            By: arguments.By);

        var warnings = new List<string>();
        if (arguments.FromParquet is { } tableFolders)
        {
            RelateOutcome fromTables;
            IReadOnlyList<ProjectSource> tableSources;
            try
            {
                var tables = RelateParquet.Read(tableFolders, context.CurrentDirectory);
                fromTables = tables.Relate(metric, problem => throw new InputException($"{string.Join(", ", tableFolders)}: {problem}"));
                var sourceOf = tables.Projects.GroupBy(p => p.Project, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Source, StringComparer.Ordinal);
                tableSources = [.. fromTables.Result.Projects.Select(p => new ProjectSource(sourceOf[p.Name], Shallow: false))];
            }
            catch (InputException e)
            {
                context.Fail(e.Message);
                return ExitCode.InputError;
            }

            // The periods the export was made with (--by), as their labels say.
            string? by = fromTables.Periods.Count == 0 ? null : Periods.KindOf(fromTables.Periods[0].Label).ToString().ToLowerInvariant();
            return Report(arguments, fromTables, tableSources, settings with { By = by }, warnings, context, inputFailed: false);
        }

        bool inputFailed = false;
        List<ReadProject> projects;
        try
        {
            projects = arguments.FromRanking is not null
                ? ReadRankings(arguments.FromRanking, arguments.Order, context.CurrentDirectory)
                : ReadRepositories(arguments, rules, context, warnings, ref inputFailed, cancel);
        }
        catch (InputException e)
        {
            context.Fail(e.Message);
            return ExitCode.InputError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A ranking, order or aliases file that exists but cannot be read.
            context.Fail(e.Message);
            return ExitCode.InputError;
        }
        catch (GitMissingException e)
        {
            context.Fail(e.Message);
            return ExitCode.ToolMissing;
        }
        catch (OperationCanceledException)
        {
            return ExitCode.Cancelled;
        }

        if (projects.Count == 0)
        {
            context.Fail("no project could be read; no report written");
            return ExitCode.InputError;
        }

        if (projects.Count == 1)
        {
            context.Warn($"only one project ({projects[0].History.Authors.Name}): relatedness needs two or more");
        }

        if (arguments.SuggestAliases)
        {
            return WriteAliases(PersonJoins.Find(projects.Select(p => p.History.Authors).ToList(), rules.NotSame), arguments.Output, context);
        }

        var counted = RelatePipeline.Count(projects.Select(p => p.History).ToList(), rules, ParsePeriod(arguments.By));
        if (arguments.ExportParquet is { } folder)
        {
            // The tables hold what relate counts, not its pairs: memory stays that of the counts, not of projects².
            WarnOfCopies(counted.Copies, counted.Whole, warnings, context);
            var tables = RelateTables.From(projects.Select(p => p.History).ToList(), projects.Select(p => p.Source.Source).ToList(), counted, rules, ParsePeriod(arguments.By));
            return Export(tables, folder, context) is { } failed ? failed : inputFailed ? ExitCode.InputError : ExitCode.Success;
        }

        return Report(arguments, counted.Relate(metric), projects.Select(p => p.Source).ToList(), settings, warnings, context, inputFailed);
    }

    private static ExitCode Report(
        RelateArguments arguments, RelateOutcome outcome, IReadOnlyList<ProjectSource> sources, RelateSettings settings, List<string> warnings, CliContext context, bool inputFailed)
    {
        var result = outcome.Result;
        WarnOfCopies(outcome.Copies, result.Projects, warnings, context);
        foreach (string warning in outcome.Currents?.Warnings ?? [])
        {
            warnings.Add(warning);
            context.Warn(warning);
        }

        var document = RelateDocument.From(result, sources, settings, warnings, Generator, outcome.Periods)
            with { IdentityJoins = settings.Identity == "person" ? outcome.Joins : null, CopiedHistory = outcome.Copies.Count == 0 ? null : outcome.Copies };
        document = document.WithCurrents(outcome.Currents);
        try
        {
            var format = RelateFormats.All.Named(arguments.Format);
            string? written = ReportWriter.Write(format, document, arguments.Output, context.StandardOutput);
            if (written is not null)
            {
                context.Say($"wrote {written} ({Plural(result.Projects.Count, "project")}, {Plural(result.Pairs.Count, "related pair")})");
            }
        }
        catch (OutputException e)
        {
            context.Fail(e.Message);
            return ExitCode.OutputError;
        }

        return inputFailed ? ExitCode.InputError : ExitCode.Success;
    }

    private static void WarnOfCopies(IReadOnlyList<CopiedPair> copies, IReadOnlyList<ProjectAuthors> names, List<string> warnings, CliContext context)
    {
        foreach (var copy in copies)
        {
            string warning = $"{names[copy.A].Name} and {names[copy.B].Name}: {copy.Commits:N0} commit{(copy.Commits == 1 ? "" : "s")} "
                + "in both histories (the same author and dates: a fork, or history copied into a split); counted in each project, but not as developers shared";
            warnings.Add(warning);
            context.Warn(warning);
        }
    }

    // relate export: the three tables in FOLDER, each replaced whole.
    private static ExitCode? Export(RelateTables tables, string folder, CliContext context)
    {
        try
        {
            string full = Path.GetFullPath(folder, context.CurrentDirectory);
            Directory.CreateDirectory(full);
            foreach (var file in RelateParquet.Files)
            {
                string written = ReportWriter.Write(file, tables, Path.Combine(full, file.Name), context.StandardOutput)!;
                context.Say($"wrote {written}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Fail($"cannot write '{folder}': {e.Message}");
            return ExitCode.OutputError;
        }
        catch (OutputException e)
        {
            context.Fail(e.Message);
            return ExitCode.OutputError;
        }

        context.Say($"{Plural(tables.Projects.Count, "project")}, {tables.Contributions.Count:N0} contributions, {tables.Copies.Count:N0} copied-commit rows");
        return null;
    }

    // --suggest-aliases: the joins as a .mailmap, written like any report (standard output unless -o).
    private static ExitCode WriteAliases(IReadOnlyList<IdentityJoin> joins, string? output, CliContext context)
    {
        try
        {
            ReportWriter.Write(new MailmapFormat(), joins, output ?? "-", context.StandardOutput);
            context.Say($"{Plural(joins.Count, "person")} with more than one address ({joins.Sum(j => j.Keys.Count - 1)} lines to review)");
            return ExitCode.Success;
        }
        catch (OutputException e)
        {
            context.Fail(e.Message);
            return ExitCode.OutputError;
        }
    }

    // The cache the native reader keeps: none with --no-cache, with the git reader, or where it cannot be opened (a
    // warning: the run goes on without it).
    private static HistoryCache? OpenCache(RelateArguments arguments, GitReader reader, CliContext context)
    {
        if (arguments.NoCache || reader != GitReader.Native)
        {
            return null;
        }

        try
        {
            var cache = HistoryCache.Open(arguments.Cache is null ? HistoryCache.DefaultFolder() : Path.GetFullPath(arguments.Cache, context.CurrentDirectory));
            cache.Prune();
            return cache;
        }
        catch (HistoryCacheException e)
        {
            context.Warn(e.Message);
            return null;
        }
    }

    private static string Plural(int count, string noun) => $"{count} {(count == 1 ? noun : noun.EndsWith('y') ? noun[..^1] + "ie" : noun)}{(count == 1 ? "" : "s")}";

    private static string Generator { get; } =
        "kashika " + (typeof(RelateRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?");

    private static string? Conflict(RelateArguments a)
    {
        if (a.Paths.FirstOrDefault(p => p.StartsWith('-')) is { } unknown)
        {
            return $"unknown option '{unknown}' (a path that starts with '-' is written ./{unknown})";
        }

        var gitOnly = new (string Option, bool Given)[]
        {
            ("--identity", a.Identity != "person"), ("--aliases", a.Aliases is not null), ("--bot-pattern", a.BotPatterns.Count > 0),
            ("--include-bots", a.IncludeBots), ("--merges", a.CountMerges), ("--rev", a.Revision is not null),
            ("--since", a.Since is not null), ("--until", a.Until is not null), ("--by", a.By is not null),
            ("--suggest-aliases", a.SuggestAliases), ("--no-mailmap", a.NoMailmap), ("--reader", a.Reader != "native"),
            ("--cache", a.Cache is not null), ("--no-cache", a.NoCache),
        };
        if (a.FromParquet is not null)
        {
            if (a.Paths.Count > 0 || a.FromRanking is not null)
            {
                return "--from-parquet reads the tables of an export instead of repositories: give no PATH or --from-ranking with it";
            }

            var given = gitOnly.Where(g => g.Given).Select(g => g.Option).Append(a.Compat is null ? null : "--compat").OfType<string>().ToList();
            return given.Count == 0 ? null : $"--from-parquet reads counts made with the export's options, so {string.Join(", ", given)} cannot apply";
        }

        if (a.FromRanking is not null)
        {
            if (a.Paths.Count > 0)
            {
                return "--from-ranking reads ranking files instead of repositories: give no PATH with it";
            }

            var given = gitOnly.Where(g => g.Given).Select(g => g.Option).Append(a.Compat is null ? null : "--compat").OfType<string>().ToList();
            return given.Count == 0 ? null : $"--from-ranking reads counted names, so {string.Join(", ", given)} cannot apply";
        }

        if (a.Cache is not null && (a.NoCache || a.Reader == "git"))
        {
            return a.NoCache ? "--cache and --no-cache contradict each other" : "--cache is kept by the native reader: it cannot go with --reader git";
        }

        if (a.NoMailmap && a.Aliases is not null)
        {
            return "--aliases is applied as a mailmap: it cannot go with --no-mailmap";
        }

        if (a.Order is not null)
        {
            return "--order goes with --from-ranking";
        }

        if (a.Compat is not null)
        {
            var given = gitOnly.Where(g => g.Given && g.Option is not ("--rev" or "--reader" or "--cache" or "--no-cache")).Select(g => g.Option).ToList();
            if (a.Revision is not null && a.Revision != "HEAD")
            {
                given.Add("--rev");
            }

            return given.Count == 0 ? null
                : $"--compat ossrel reproduces the original exactly (HEAD, raw names, bots and merges counted): drop {string.Join(", ", given)}";
        }

        return null;
    }

    private static Metric ParseMetric(string name) => name switch
    {
        "sum-min" => Metric.SumMin,
        "jaccard" => Metric.Jaccard,
        "shared" => Metric.Shared,
        _ => Metric.Ossrel,
    };

    private static Period ParsePeriod(string? name) => name switch
    {
        "year" => Period.Year,
        "quarter" => Period.Quarter,
        "month" => Period.Month,
        _ => Period.None,
    };

    private static IdentityMode ParseIdentity(string name) => name switch
    {
        "person" => IdentityMode.Person,
        "name" => IdentityMode.Name,
        "name+email" => IdentityMode.NameEmail,
        _ => IdentityMode.Email,
    };

    /// <summary>A project as read, where it came from, and how many of its commits had no plausible date.</summary>
    private sealed record ReadProject(ProjectHistory History, ProjectSource Source, long Undated = 0);

    private static List<ReadProject> ReadRankings(string folder, string? orderFile, string currentDirectory)
    {
        string full = Path.GetFullPath(folder, currentDirectory);
        if (!Directory.Exists(full))
        {
            throw new InputException($"{folder}: no such directory");
        }

        IReadOnlyList<string> names;
        if (orderFile is null)
        {
            names = Directory.EnumerateFiles(full).Select(f => Path.GetFileName(f)).Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        }
        else
        {
            string orderPath = Path.GetFullPath(orderFile, currentDirectory);
            if (!File.Exists(orderPath))
            {
                throw new InputException($"{orderFile}: no such file");
            }

            var listed = new List<string>();
            int lineNumber = 0;
            foreach (string line in File.ReadLines(orderPath))
            {
                lineNumber++;
                foreach (string name in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!File.Exists(Path.Combine(full, name)))
                    {
                        throw InputException.At(orderFile, lineNumber, $"project '{name}' has no ranking file in {folder}");
                    }

                    if (listed.Contains(name))
                    {
                        throw InputException.At(orderFile, lineNumber, $"project '{name}' is listed twice");
                    }

                    listed.Add(name);
                }
            }

            names = listed;
        }

        if (names.Count == 0)
        {
            throw new InputException($"{orderFile ?? folder}: no projects");
        }

        return names.Select(name =>
        {
            string path = Path.Combine(folder, name);
            using var stream = File.OpenRead(Path.Combine(full, name));
            return new ReadProject(new ProjectHistory(AuthorResolver.FromRanking(name, OssrelRanking.Parse(stream, path)), new Dictionary<string, AuthorTally>(), []), new ProjectSource(path, Shallow: false));
        }).ToList();
    }

    private static List<ReadProject> ReadRepositories(
        RelateArguments arguments, IdentityRules rules, CliContext context, List<string> warnings, ref bool inputFailed, CancellationToken cancel)
    {
        var (repositories, unusable) = RepositoryDiscovery.Expand(arguments.Paths, context.CurrentDirectory);
        foreach (string problem in unusable)
        {
            // The other repositories are still related; the exit code says that one could not be.
            context.Fail(problem);
            warnings.Add(problem);
            inputFailed = true;
        }

        string? aliases = null;
        if (arguments.Aliases is not null)
        {
            aliases = Path.GetFullPath(arguments.Aliases, context.CurrentDirectory);
            if (!File.Exists(aliases))
            {
                throw new InputException($"{arguments.Aliases}: no such file");
            }
        }

        var request = new GitLogRequest(
            rules.Mode == IdentityMode.OssrelName, arguments.Revision ?? "HEAD", arguments.Since, arguments.Until, aliases, ParsePeriod(arguments.By), Mailmap: !arguments.NoMailmap);
        var read = new ReadProject?[repositories.Count];
        var notes = new string?[repositories.Count];
        string? summary = null;
        var problems = new ConcurrentDictionary<int, RepositoryException>();
        try
        {
            var reader = arguments.Reader == "git" ? GitReader.Git : GitReader.Native;
            long? since = null, until = null;
            if (repositories.Count > 0)
            {
                try
                {
                    // Read once, by git, and checked whichever reader runs: git log would select nothing from a bad date.
                    (since, until) = GitLog.Dates(repositories[0], arguments.Since, arguments.Until, cancel);
                }
                catch (ArgumentException e)
                {
                    throw new UsageError(e.Message);
                }

                if (reader == GitReader.Git)
                {
                    (since, until) = (null, null);
                }
            }

            var options = new HistoryOptions(request, reader, since, until, OpenCache(arguments, reader, context), Alone: repositories.Count == 1);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancel };
            // Largest first, so that a big repository does not start last while the other cores are idle.
            var bySize = Enumerable.Range(0, repositories.Count).OrderByDescending(i => RepositoryDiscovery.StoredBytes(repositories[i])).ToList();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long total = 0, readNow = 0;
            // One repository at a time to whichever core is free: the default partitioning hands out ranges, and a core
            // that finished the largest repository first sat idle while the other read the rest.
            var queue = System.Collections.Concurrent.Partitioner.Create(bySize, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering);
            new Progress(context).Run(reporter => Parallel.ForEach(queue, parallel, i =>
            {
                var repository = repositories[i];
                var item = reporter.Start(repository.Name);
                try
                {
                    var history = HistoryReader.Read(repository, options, item.Update, cancel);
                    item.Done(history.History.Authors.Commits, history.CommitsRead);
                    read[i] = new ReadProject(
                        new ProjectHistory(AuthorResolver.Resolve(repository.Name, history.History.Authors, rules), history.History.ByPeriod, history.History.Prints),
                        new ProjectSource(repository.Source, history.Shallow),
                        history.History.Undated);
                    Interlocked.Add(ref total, history.History.Authors.Commits);
                    Interlocked.Add(ref readNow, history.CommitsRead);
                    notes[i] = $"{repository.Name}: {history.Reader}, {history.CommitsRead:N0} commit{(history.CommitsRead == 1 ? "" : "s")} read"
                        + (history.CacheNote is null ? "" : $"; {history.CacheNote}");
                }
                catch (RepositoryException e)
                {
                    item.Failed();
                    problems[i] = e;
                }
            }));
            if (arguments.Verbose)
            {
                summary = ($"read {Plural(repositories.Count, "repository")} ({total:N0} commits, {readNow:N0} of them read from the repositories"
                    + $"{(options.Cache is null ? "" : total > readNow ? $", the rest from the cache {options.Cache.File}" : $"; kept in the cache {options.Cache.File}")}) in {clock.Elapsed.TotalSeconds:F2} s");
            }
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<GitMissingException>().FirstOrDefault() is { } missing)
        {
            throw missing;
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
        {
            throw new OperationCanceledException(cancel);
        }

        // Messages in input order, whatever order the parallel reads finished in.
        for (int i = 0; i < repositories.Count; i++)
        {
            if (arguments.Verbose && notes[i] is { } note)
            {
                context.Say(note);
            }

            if (problems.TryGetValue(i, out var problem))
            {
                warnings.Add(problem.Message);
                if (problem.Empty)
                {
                    context.Warn($"{problem.Message}; left out");
                }
                else
                {
                    context.Fail(problem.Message);
                    inputFailed = true;
                }

                continue;
            }

            if (read[i] is { Undated: > 0 } undated)
            {
                string warning = $"{repositories[i].Name}: {Plural((int)Math.Min(undated.Undated, int.MaxValue), "commit")} dated before 1980 (a clock not set) counted in the whole history but in no period";
                warnings.Add(warning);
                context.Warn(warning);
            }

            if (read[i] is { Source.Shallow: true })
            {
                string warning = $"{repositories[i].Name} ({repositories[i].Source}): shallow clone, partial history; counts are too low";
                warnings.Add(warning);
                context.Warn(warning);
            }
        }

        if (summary is not null)
        {
            context.Say(summary);
        }

        return read.OfType<ReadProject>().ToList();
    }
}
