using System.Reflection;
using Kashika.Adapters.Git;
using Kashika.Adapters.Relate;
using Kashika.Core.Common;
using Kashika.Core.Relate;
using Kashika.Reports;
using Kashika.Reports.Relate;

namespace Kashika.Cli.Relate;

/// <summary><c>kashika relate</c>: read histories (or ranking files), relate the projects, write the report.</summary>
internal static class RelateRun
{
    /// <summary>Above this many projects a report keeps each project's strongest pairs, not every pair (--top).</summary>
    public const int SparseAbove = 60;

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

        var metric = arguments.Metric;
        bool ossrel = arguments.Compat || arguments.FromRanking is not null;
        IReadOnlyList<NotSame>? vetoes = null;
        if (arguments.NotSame is { } vetoFile)
        {
            vetoes = ProjectReading.Vetoes(vetoFile, context.CurrentDirectory);
        }

        var rules = ossrel ? IdentityRules.Ossrel : new IdentityRules(arguments.Identity, bots, arguments.CountMerges, vetoes);
        var settings = new RelateSettings(
            Input: arguments.FromRanking is not null ? "ossrel-ranking" : arguments.FromParquet is not null ? "parquet" : "git",
            Metric: metric.CliName(),
            Identity: ossrel ? IdentityMode.OssrelName.CliName() : arguments.Identity.CliName(),
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
            By: arguments.By == Period.None ? null : arguments.By.ToString().ToLowerInvariant());

        var warnings = new List<string>();
        if (arguments.FromParquet is { } tableFolders)
        {
            var tables = RelateParquet.Read(tableFolders, context.CurrentDirectory);
            int count = tables.Projects.Select(p => p.Project).Distinct(StringComparer.Ordinal).Count();
            var fromTables = tables.Relate(metric, problem => throw new InputException($"{string.Join(", ", tableFolders)}: {problem}"), Sparse(arguments, count));
            var sourceOf = tables.Projects.GroupBy(p => p.Project, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Source, StringComparer.Ordinal);
            IReadOnlyList<ProjectSource> tableSources = [.. fromTables.Result.Projects.Select(p => new ProjectSource(sourceOf[p.Name], Shallow: false))];

            // The periods the export was made with (--by), as their labels say.
            string? by = fromTables.Periods.Count == 0 ? null : Periods.KindOf(fromTables.Periods[0].Label).ToString().ToLowerInvariant();
            return Report(arguments, fromTables, tableSources, settings with { By = by }, warnings, context, inputFailed: false);
        }

        bool inputFailed = false;
        IReadOnlyList<ReadProject> projects;
        (ReportCache Cache, string Key)? keep = null;
        try
        {
            if (arguments.FromRanking is not null)
            {
                projects = ProjectReading.Rankings(arguments.FromRanking, arguments.Order, context.CurrentDirectory);
            }
            else
            {
                ProjectsRead read = null!;
                var request = new RepositoryRequest(
                    arguments.Paths, context.CurrentDirectory, rules, arguments.Revision ?? "HEAD", arguments.Since, arguments.Until, arguments.Aliases,
                    arguments.By, Mailmap: !arguments.NoMailmap, arguments.Reader, arguments.Cache, arguments.NoCache, context.Clock, context.Variable);
                keep = KeptReport(arguments, request, vetoes, cancel);
                if (keep is { } kept && kept.Cache.Load(kept.Key) is { } made)
                {
                    using (made)
                    {
                        return FromCache(arguments, made, kept.Cache, context);
                    }
                }

                new Progress(context).Run(reporter => read = ProjectReading.Repositories(request, reporter, cancel));
                foreach (var problem in read.Problems)
                {
                    // The other repositories are still related; the exit code says when one could not be.
                    if (problem.Kind != ProblemKind.Notice)
                    {
                        warnings.Add(problem.Message);
                    }

                    if (problem.Kind == ProblemKind.Failed)
                    {
                        context.Fail(problem.Said);
                        inputFailed = true;
                    }
                    else
                    {
                        context.Warn(problem.Said);
                    }
                }

                foreach (string note in arguments.Verbose ? read.Notes : [])
                {
                    context.Say(note);
                }

                projects = read.Projects;
            }
        }
        catch (ArgumentException e)
        {
            throw new UsageError(e.Message); // --since or --until that git does not take as a date
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(e.Message); // a ranking, order or aliases file that exists but cannot be read
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

        var counted = RelatePipeline.Count(projects.Select(p => p.History).ToList(), rules, arguments.By);
        if (arguments.ExportParquet is { } folder)
        {
            // The tables hold what relate counts, not its pairs: memory stays that of the counts, not of projects².
            WarnOfCopies(counted.Copies, counted.Whole, warnings, context);
            var tables = RelateTables.From(
                projects.Select(p => p.History).ToList(), projects.Select(p => p.Source.Source).ToList(), counted, rules, arguments.By,
                new PairSelection(arguments.Top ?? PairSelection.DefaultTop, arguments.Above));
            return Export(tables, folder, context) is { } failed ? failed : inputFailed ? ExitCode.InputError : ExitCode.Success;
        }

        return Report(
            arguments, counted.Relate(metric, Sparse(arguments, counted.Whole.Count)), projects.Select(p => p.Source).ToList(), settings, warnings, context, inputFailed,
            inputFailed ? null : keep);
    }

    // The report cache and this run's key in it (docs/relate.md, "The report cache"): for repositories read natively
    // with the history cache. The key holds every option that changes a report's bytes (ReportCache adds this kashika
    // and the repositories' fingerprints).
    private static (ReportCache Cache, string Key)? KeptReport(RelateArguments arguments, RepositoryRequest request, IReadOnlyList<NotSame>? vetoes, CancellationToken cancel)
    {
        if (arguments.NoCache || arguments.Reader != GitReader.Native || arguments.SuggestAliases || arguments.ExportParquet is not null)
        {
            return null;
        }

        string Of(object? value) => value switch
        {
            null => "-",
            double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "-",
        };
        return ReportCache.For(
            arguments.Cache is null ? HistoryCache.DefaultFolder(request.Variable) : Path.GetFullPath(arguments.Cache, request.CurrentDirectory),
            request,
            [
                Generator, arguments.Format, Of(arguments.Metric), Of(arguments.Identity), Of(arguments.Aliases), string.Join('\0', arguments.BotPatterns),
                Of(arguments.IncludeBots), Of(arguments.CountMerges), Of(arguments.Revision), Of(arguments.Since), Of(arguments.Until), Of(arguments.Compat),
                Of(arguments.By), Of(arguments.NoMailmap), Of(arguments.Top), Of(arguments.Above), Of(arguments.View),
                string.Join('\n', (vetoes ?? []).Select(v => $"{v.Address}\0{v.Other}")),
            ],
            cancel);
    }

    // A report the cache holds: written where asked as it was made, with what its run said.
    private static ExitCode FromCache(RelateArguments arguments, CachedReport made, ReportCache cache, CliContext context)
    {
        foreach (string warning in made.Warnings)
        {
            context.Warn(warning);
        }

        string? written = ReportWriter.Write(new Copied(RelateFormats.All.Named(arguments.Format)), made.Report, arguments.Output, context.StandardOutput);
        if (written is not null)
        {
            context.Say($"wrote {written} ({made.Summary}; from the report cache {cache.Folder}: the same repositories at the same commits, mailmaps and options)");
        }

        return ExitCode.Success;
    }

    // A report's bytes as the cache holds them, written like any report (to its default file name unless -o).
    private sealed class Copied(IReportFormat<RelateDocument> format) : IReportFormat<Stream>
    {
        public string Name => format.Name;

        public string? DefaultFileName => format.DefaultFileName;

        public void Write(Stream model, Stream output) => model.CopyTo(output);
    }

    // Which pairs a report keeps: every pair for a few projects, in a matrix format (csv, ossrel-js) and in the chord
    // page; each project's strongest for many projects, when asked (--top, --above) and in the network page.
    private static PairSelection? Sparse(RelateArguments arguments, int projects)
    {
        if (arguments.Format == "html" && arguments.View == "chord")
        {
            return null; // the chord diagram draws every pair, however many projects
        }

        bool asked = arguments.Top is not null || arguments.Above is not null || arguments.View == "network";
        bool many = projects > SparseAbove && arguments.View != "chord";
        bool keeps = arguments.Format is "json" or "graphml" or "gexf" or "html";
        return keeps && (asked || many) ? new PairSelection(arguments.Top ?? PairSelection.DefaultTop, arguments.Above) : null;
    }

    private static ExitCode Report(
        RelateArguments arguments, RelateOutcome outcome, IReadOnlyList<ProjectSource> sources, RelateSettings settings, List<string> warnings, CliContext context, bool inputFailed,
        (ReportCache Cache, string Key)? keep = null)
    {
        var result = outcome.Result;
        WarnOfCopies(outcome.Copies, result.Projects, warnings, context);
        foreach (string warning in outcome.Currents?.Warnings ?? [])
        {
            warnings.Add(warning);
            context.Warn(warning);
        }

        if (result.Sparse is { } sparse)
        {
            string above = sparse.Selection.Above is { } value ? $" and every pair above {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "";
            string kept = $"{result.Projects.Count:N0} projects: kept each project's {sparse.Selection.Top} strongest pairs{above}, "
                + $"{result.Pairs.Count:N0} of the {sparse.AllPairs:N0} pairs that share developers, with their developers (every pair: --format csv)";
            warnings.Add(kept);
            context.Warn(kept);
        }

        var document = RelateDocument.From(result, sources, settings, warnings, Generator, outcome.Periods)
            with { IdentityJoins = settings.Identity == "person" ? outcome.Joins : null, CopiedHistory = outcome.Copies.Count == 0 ? null : outcome.Copies };
        document = document.WithCurrents(outcome.Currents);
        if (document.Placeholders is { Count: > 0 } placeholders)
        {
            var addresses = placeholders.Select(p => p.Address.Length == 0 ? "<>" : p.Address).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            context.Say($"{Plural(placeholders.Count, "author")} behind placeholder addresses ({string.Join(", ", addresses.Take(3))}{(addresses.Count > 3 ? ", …" : "")}) "
                + "counted in their own project only, never as developers shared (listed in the report)");
        }

        string? written = ReportWriter.Write(RelateFormats.All.Named(arguments.Format), document, arguments.Output, context.StandardOutput);
        if (written is not null)
        {
            string summary = $"{Plural(result.Projects.Count, "project")}, {Plural(result.Pairs.Count, "related pair")}";
            context.Say($"wrote {written} ({summary})");
            keep?.Cache.Store(keep.Value.Key, written, summary, warnings);
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

    // relate export: the three tables in FOLDER, written as one set (each names the others; all written before any is
    // renamed into place).
    private static ExitCode? Export(RelateTables tables, string folder, CliContext context)
    {
        try
        {
            string full = Path.GetFullPath(folder, context.CurrentDirectory);
            Directory.CreateDirectory(full);
            var export = RelateParquet.ExportOf(tables);
            foreach (string written in ReportWriter.WriteSet(RelateParquet.Files, export, full))
            {
                context.Say($"wrote {written}");
            }

            context.Say($"export {export.Id}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"cannot write '{folder}': {e.Message}", e);
        }

        context.Say($"{Plural(tables.Projects.Count, "project")}, {tables.Contributions.Count:N0} contributions, {tables.Copies.Count:N0} copied-commit rows");
        return null;
    }

    // --suggest-aliases: the joins as a .mailmap, written like any report (standard output unless -o).
    private static ExitCode WriteAliases(IReadOnlyList<IdentityJoin> joins, string? output, CliContext context)
    {
        ReportWriter.Write(new MailmapFormat(), joins, output ?? "-", context.StandardOutput);
        context.Say($"{Plural(joins.Count, "person")} with more than one address ({joins.Sum(j => j.Keys.Count - 1)} lines to review)");
        return ExitCode.Success;
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
            ("--identity", a.Identity != IdentityMode.Person), ("--aliases", a.Aliases is not null), ("--bot-pattern", a.BotPatterns.Count > 0),
            ("--include-bots", a.IncludeBots), ("--merges", a.CountMerges), ("--rev", a.Revision is not null),
            ("--since", a.Since is not null), ("--until", a.Until is not null), ("--by", a.By != Period.None),
            ("--suggest-aliases", a.SuggestAliases), ("--no-mailmap", a.NoMailmap), ("--reader", a.Reader != GitReader.Native),
            ("--cache", a.Cache is not null), ("--no-cache", a.NoCache),
        };
        if (a.FromParquet is not null)
        {
            if (a.Paths.Count > 0 || a.FromRanking is not null)
            {
                return "--from-parquet reads the tables of an export instead of repositories: give no PATH or --from-ranking with it";
            }

            var given = gitOnly.Where(g => g.Given).Select(g => g.Option).Append(a.Compat ? "--compat" : null).OfType<string>().ToList();
            return given.Count == 0 ? null : $"--from-parquet reads counts made with the export's options, so {string.Join(", ", given)} cannot apply";
        }

        if (a.FromRanking is not null)
        {
            if (a.Paths.Count > 0)
            {
                return "--from-ranking reads ranking files instead of repositories: give no PATH with it";
            }

            var given = gitOnly.Where(g => g.Given).Select(g => g.Option).Append(a.Compat ? "--compat" : null).OfType<string>().ToList();
            return given.Count == 0 ? null : $"--from-ranking reads counted names, so {string.Join(", ", given)} cannot apply";
        }

        if (a.Cache is not null && (a.NoCache || a.Reader == GitReader.Git))
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

        if (a.Compat)
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
}
