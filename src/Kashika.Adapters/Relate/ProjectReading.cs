using System.Collections.Concurrent;
using Kashika.Adapters.FileSystem;
using Kashika.Adapters.Git;
using Kashika.Core.Common;
using Kashika.Core.Relate;

namespace Kashika.Adapters.Relate;

/// <summary>A project as read, where it came from, and how many of its commits had no plausible date.</summary>
public sealed record ReadProject(ProjectHistory History, ProjectSource Source, long Undated = 0);

/// <summary>How a problem with one input leaves the run: it goes on without that input either way.</summary>
public enum ProblemKind
{
    /// <summary>The input could not be read: the exit code says so.</summary>
    Failed,

    /// <summary>The input holds nothing to relate (an empty repository): left out, and only a warning.</summary>
    LeftOut,

    /// <summary>Read, but with something the figures depend on (a shallow clone, undated commits).</summary>
    Warning,

    /// <summary>Said on standard error alone: it changes no figure (a cache that cannot be used is read around).</summary>
    Notice,
}

/// <summary>A problem with one input, as a value: the caller says it and decides the exit code.</summary>
public sealed record InputProblem(string Message, ProblemKind Kind)
{
    /// <summary>The line for standard error.</summary>
    public string Said => Kind == ProblemKind.LeftOut ? $"{Message}; left out" : Message;
}

/// <summary>The projects read, the problems met on the way (in input order), and what --verbose says of the reading.</summary>
public sealed record ProjectsRead(IReadOnlyList<ReadProject> Projects, IReadOnlyList<InputProblem> Problems, IReadOnlyList<string> Notes);

/// <summary>What to read: the paths as given, and how.</summary>
/// <param name="Aliases">A .mailmap applied to every repository, as the user named it.</param>
/// <param name="Cache">The cache folder; null for the default, unused with <paramref name="NoCache"/> or the git reader.</param>
/// <param name="Clock">Times the reading (for --verbose).</param>
/// <param name="Variable">The environment the default cache folder is found in (XDG_CACHE_HOME, HOME).</param>
public sealed record RepositoryRequest(
    IReadOnlyList<string> Paths,
    string CurrentDirectory,
    IdentityRules Rules,
    string Revision,
    string? Since,
    string? Until,
    string? Aliases,
    Period By,
    bool Mailmap,
    GitReader Reader,
    string? Cache,
    bool NoCache,
    TimeProvider Clock,
    Func<string, string?> Variable);

/// <summary>Progress of reading, reported per repository (from several threads at once).</summary>
public interface IReadProgress
{
    IReadProgressItem Start(string name);
}

public interface IReadProgressItem
{
    void Update(long commits);

    /// <param name="read">Of <paramref name="commits"/>, how many were read from the repository (the rest from a cache).</param>
    void Done(long commits, long read);

    void Failed();
}

/// <summary>
/// Reads relate's inputs: git repositories (in parallel, each resolved to its authors by the identity rules) and the
/// 2013 original's ranking files. A repository that cannot be read is a problem returned with the others read; what
/// stops the whole run (no git, a bad date, a missing file named by an option) is thrown.
/// </summary>
public static class ProjectReading
{
    /// <summary>The most a mailmap (--aliases, a repository's .mailmap) is read of.</summary>
    public const long Mailmaps = 64 * BoundedFile.MiB;

    /// <exception cref="InputException">A file an option names is missing.</exception>
    /// <exception cref="ArgumentException">--since or --until is not a date git accepts.</exception>
    /// <exception cref="GitMissingException">git is needed and not installed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static ProjectsRead Repositories(RepositoryRequest request, IReadProgress progress, CancellationToken cancel)
    {
        var (repositories, unusable, leftOut) = RepositoryDiscovery.Expand(request.Paths, request.CurrentDirectory);
        var problems = new List<InputProblem>(unusable.Select(u => new InputProblem(u, ProblemKind.Failed)).Concat(leftOut.Select(n => new InputProblem(n, ProblemKind.Notice))));
        var notes = new List<string>();
        var options = Options(request, repositories, () => OpenCache(request, problems), cancel);
        var cache = options.Cache;
        var read = new ReadProject?[repositories.Count];
        var said = new string?[repositories.Count];
        var failed = new ConcurrentDictionary<int, RepositoryException>();
        var damaged = new ConcurrentDictionary<int, bool>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancel };
        // Largest first, so that a big repository does not start last while the other cores are idle.
        var bySize = Enumerable.Range(0, repositories.Count).OrderByDescending(i => RepositoryDiscovery.StoredBytes(repositories[i])).ToList();
        long started = request.Clock.GetTimestamp();
        long total = 0, readNow = 0;
        try
        {
            // One repository at a time to whichever core is free: the default partitioning hands out ranges, and a core
            // that finished the largest repository first sat idle while the other read the rest.
            Parallel.ForEach(Partitioner.Create(bySize, EnumerablePartitionerOptions.NoBuffering), parallel, i =>
            {
                var repository = repositories[i];
                var item = progress.Start(repository.Name);
                try
                {
                    var history = HistoryReader.Read(repository, options, item.Update, cancel);
                    item.Done(history.History.Authors.Commits, history.CommitsRead);
                    read[i] = new ReadProject(
                        new ProjectHistory(AuthorResolver.Resolve(repository.Name, history.History.Authors, request.Rules), history.History.ByPeriod, history.History.Prints),
                        new ProjectSource(repository.Source, history.Shallow),
                        history.History.Undated);
                    if (history.CacheDamaged)
                    {
                        damaged[i] = true;
                    }

                    Interlocked.Add(ref total, history.History.Authors.Commits);
                    Interlocked.Add(ref readNow, history.CommitsRead);
                    said[i] = $"{repository.Name}: {history.Reader}, {history.CommitsRead:N0} commit{(history.CommitsRead == 1 ? "" : "s")} read"
                        + (history.CacheNote is null ? "" : $"; {history.CacheNote}");
                }
                catch (RepositoryException e)
                {
                    item.Failed();
                    failed[i] = e;
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<GitMissingException>().FirstOrDefault() is { } missing)
        {
            throw missing;
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
        {
            throw new OperationCanceledException(cancel);
        }

        // In input order, whatever order the parallel reads finished in.
        for (int i = 0; i < repositories.Count; i++)
        {
            if (said[i] is { } note)
            {
                notes.Add(note);
            }

            if (failed.TryGetValue(i, out var problem))
            {
                problems.Add(new InputProblem(problem.Message, problem.Empty ? ProblemKind.LeftOut : ProblemKind.Failed));
                continue;
            }

            if (read[i] is { Undated: > 0 } undated)
            {
                problems.Add(new InputProblem(
                    $"{repositories[i].Name}: {Plural(undated.Undated, "commit")} dated before 1980 (a clock not set) counted in the whole history but in no period", ProblemKind.Warning));
            }

            if (damaged.ContainsKey(i))
            {
                problems.Add(new InputProblem($"{repositories[i].Name}: its row in the cache {cache?.File} was damaged (its checksum does not match): read again from the repository", ProblemKind.Notice));
            }

            if (read[i] is { Source.Shallow: true })
            {
                problems.Add(new InputProblem($"{repositories[i].Name} ({repositories[i].Source}): shallow clone, partial history; counts are too low", ProblemKind.Warning));
            }
        }

        notes.Add($"read {Plural(repositories.Count, "repository")} ({total:N0} commits, {readNow:N0} of them read from the repositories"
            + $"{(cache is null ? "" : total > readNow ? $", the rest from the cache {cache.File}" : $"; kept in the cache {cache.File}")}) in {request.Clock.GetElapsedTime(started).TotalSeconds:F2} s");
        return new ProjectsRead(read.OfType<ReadProject>().ToList(), problems, notes);
    }

    /// <summary>
    /// What decides every history <see cref="Repositories"/> would read, found without reading them (a report cache keys
    /// on it): the repositories found, each one's <see cref="HistoryReader.Fingerprint"/>, the dates --since and --until
    /// name today. Null when a path is no repository or a repository cannot be told apart without reading it.
    /// </summary>
    public static string? Fingerprint(RepositoryRequest request, CancellationToken cancel)
    {
        var (repositories, unusable, _) = RepositoryDiscovery.Expand(request.Paths, request.CurrentDirectory);
        // A path that is no repository, or a single project (said on stderr alone), is left to an ordinary run.
        if (unusable.Count > 0 || repositories.Count < 2)
        {
            return null;
        }

        var options = Options(request, repositories, () => null, cancel);
        var prints = new string?[repositories.Count];
        Parallel.For(0, repositories.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancel },
            i => prints[i] = HistoryReader.Fingerprint(repositories[i], options));
        if (prints.Any(p => p is null))
        {
            return null;
        }

        var lines = repositories.Select((r, i) => $"{r.Name}\n{r.Path}\n{r.Source}\n{prints[i]}").Prepend($"{options.Since} {options.Until}");
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n\n", lines))));
    }

    // How every repository is read: the log asked for (the aliases file checked to be one), the dates git reads
    // --since and --until as, the cache.
    private static HistoryOptions Options(RepositoryRequest request, IReadOnlyList<GitRepository> repositories, Func<HistoryCache?> cache, CancellationToken cancel)
    {
        string? aliases = null;
        if (request.Aliases is not null)
        {
            aliases = Path.GetFullPath(request.Aliases, request.CurrentDirectory);
            if (!File.Exists(aliases))
            {
                throw new InputException($"{request.Aliases}: no such file");
            }

            // Each repository's reader reads it: checked once here to be a file of a mailmap's size.
            BoundedFile.Check(aliases, Mailmaps, $"--aliases {request.Aliases}");
        }

        var logRequest = new GitLogRequest(
            request.Rules.Mode == IdentityMode.OssrelName, request.Revision, request.Since, request.Until, aliases, request.By, Mailmap: request.Mailmap);
        // Read once, by git, whichever reader runs: the native reader then selects what git log would, and a date git
        // cannot read is an error rather than a log of nothing.
        var (since, until) = repositories.Count > 0 ? GitLog.Dates(repositories[0], request.Since, request.Until, cancel) : (null, null);
        if (request.Reader != GitReader.Native)
        {
            (since, until) = (null, null);
        }

        return new HistoryOptions(logRequest, request.Reader, since, until, cache(), Alone: repositories.Count == 1);
    }

    /// <summary>The 2013 original's ranking files in <paramref name="folder"/>: all of them in name order, or those <paramref name="orderFile"/> lists.</summary>
    /// <exception cref="InputException">The folder or order file is missing, or the order file names a project twice or one without a file.</exception>
    public static IReadOnlyList<ReadProject> Rankings(string folder, string? orderFile, string currentDirectory)
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
            foreach (string line in BoundedFile.ReadAllText(orderPath, 16 * BoundedFile.MiB, $"--order {orderFile}").Split('\n'))
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
            using var stream = new MemoryStream(BoundedFile.ReadAllBytes(Path.Combine(full, name), 256 * BoundedFile.MiB, path));
            return new ReadProject(new ProjectHistory(AuthorResolver.FromRanking(name, OssrelRanking.Parse(stream, path)), new Dictionary<string, AuthorTally>(), []), new ProjectSource(path, Shallow: false));
        }).ToList();
    }

    /// <summary>The vetoes of a --not-same file.</summary>
    /// <exception cref="InputException">The file is missing, unreadable, or has a line that is not a pair (named with its number).</exception>
    public static IReadOnlyList<NotSame> Vetoes(string file, string currentDirectory)
    {
        try
        {
            return NotSame.Parse(BoundedFile.ReadAllText(Path.GetFullPath(file, currentDirectory), 16 * BoundedFile.MiB, $"--not-same {file}"), file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{file}: {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}");
        }
    }

    // The cache the native reader keeps: none with --no-cache, with the git reader, or where it cannot be opened (a
    // warning: the run goes on without it).
    private static HistoryCache? OpenCache(RepositoryRequest request, List<InputProblem> problems)
    {
        if (request.NoCache || request.Reader != GitReader.Native)
        {
            return null;
        }

        try
        {
            var cache = HistoryCache.Open(request.Cache is null ? HistoryCache.DefaultFolder(request.Variable) : Path.GetFullPath(request.Cache, request.CurrentDirectory));
            cache.Prune();
            return cache;
        }
        catch (HistoryCacheException e)
        {
            problems.Add(new InputProblem(e.Message, ProblemKind.Notice));
            return null;
        }
    }

    private static string Plural(long count, string noun) => $"{count:N0} {(count == 1 ? noun : noun.EndsWith('y') ? noun[..^1] + "ie" : noun)}{(count == 1 ? "" : "s")}";
}
