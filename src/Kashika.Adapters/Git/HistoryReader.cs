using Kashika.Adapters.FileSystem;
using Kashika.Adapters.Git.Native;
using Kashika.Core.Relate;

namespace Kashika.Adapters.Git;

/// <summary>Which reader reads histories: git's files directly, or the git command.</summary>
public enum GitReader
{
    Native,
    Git,
}

/// <summary>How a run reads every repository: what to ask (<see cref="GitLogRequest"/>), with which reader, the run's
/// --since/--until as git reads them (seconds), and the cache (null: none).</summary>
/// <param name="Alone">One repository is read: its reading may use every core.</param>
public sealed record HistoryOptions(GitLogRequest Request, GitReader Reader, long? Since, long? Until, HistoryCache? Cache, bool Alone = false);

/// <summary>A repository's history as relate counts it, and how it was read.</summary>
/// <param name="Reader">"native", or "git" with the reason the native reader could not read it.</param>
/// <param name="CommitsRead">Commits read from the repository this run (all of them unless the cache held some).</param>
/// <param name="CacheDamaged">The cache held a damaged row for it (its checksum did not match): read again.</param>
public sealed record GitHistory(History History, bool Shallow, string Reader, long CommitsRead, string? CacheNote, bool CacheDamaged = false);

/// <summary>Reads one repository's history: from the cache and the commits new since, natively, or with git.</summary>
public static class HistoryReader
{
    public static GitHistory Read(GitRepository repository, HistoryOptions options, Action<long> progress, CancellationToken cancel)
    {
        var request = options.Request;
        string? reason = null;
        if (options.Reader == GitReader.Native)
        {
            try
            {
                return ReadNative(repository, options, progress, cancel);
            }
            catch (UnsupportedRepositoryException e)
            {
                reason = e.Message;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or OverflowException
                                          or ArgumentException or IndexOutOfRangeException)
            {
                // A corrupt, cut or unreadable file: git reads the repository and reports it in its own words.
                reason = e.Message;
            }
        }

        var (log, shallow) = GitLog.Read(repository, request, progress, cancel);
        return new GitHistory(log.Tally(null, request.Compat, request.Period), shallow, reason is null ? "git" : $"git ({reason})", log.Commits.Count, null);
    }

    /// <summary>
    /// What decides a repository's history as <see cref="Read"/> reads it, found without reading the history: the
    /// repository, the commit its revision names (a commit's history never changes: the native reader refuses shallow
    /// clones, grafts and replace refs) and what its mailmap is made of. Null when only reading can tell: the git reader,
    /// a revision git must resolve, a mailmap read with a warning, a repository the native reader does not read.
    /// </summary>
    public static string? Fingerprint(GitRepository repository, HistoryOptions options)
    {
        var request = options.Request;
        if (options.Reader != GitReader.Native || BytePaths.IsOpened(repository.Path))
        {
            return null;
        }

        try
        {
            using var reader = NativeReader.Open(repository.Path);
            if (reader.Resolve(request.Revision, repository.Name, repository.Source) is not { } tip)
            {
                return null;
            }

            var warnings = new List<string>();
            var mailmap = MailmapOf(reader, request, warnings);
            return warnings.Count > 0 ? null : $"{reader.RepositoryKey}\n{tip}\n{mailmap?.Digest}";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever stops the fingerprint (an empty repository, a damaged one) is for reading to report, in its words.
            return null;
        }
    }

    private static GitHistory ReadNative(GitRepository repository, HistoryOptions options, Action<long> progress, CancellationToken cancel)
    {
        var request = options.Request;
        using var reader = NativeReader.Open(repository.Path);
        var tip = reader.Resolve(request.Revision, repository.Name, repository.Source);
        if (tip is null)
        {
            // Anything but a branch, tag or object name: git resolves it once, or the git command reads it all (a range).
            string? parsed = GitLog.RevParse(repository, request.Revision, cancel);
            if (parsed is null || !ObjectId.TryParse(parsed, out var resolved) || !reader.IsCommit(resolved))
            {
                throw new UnsupportedRepositoryException($"revision '{request.Revision}' is not a single commit");
            }

            tip = resolved;
        }

        var warnings = new List<string>();
        var mailmap = MailmapOf(reader, request, warnings);
        // A folder whose name is not UTF-8 is reached through a descriptor of this process: no path to key a cache row by.
        var (log, read, note, damaged) = options.Cache is not null && options.Since is null && options.Until is null && !BytePaths.IsOpened(repository.Path)
            ? ReadCached(reader, options.Cache, request.Revision, tip.Value, progress, cancel)
            : (Walk(reader, tip.Value, options, progress, cancel), -1, null, false);
        if (note is not null)
        {
            warnings.Insert(0, note);
        }

        return new GitHistory(
            log.Tally(mailmap, request.Compat, request.Period), false, "native", read < 0 ? log.Commits.Count : read, warnings.Count == 0 ? null : string.Join("; ", warnings), damaged);
    }

    // The mailmap a log is read with (none with --no-mailmap or --compat ossrel): one rule for reading and fingerprinting.
    private static Mailmap? MailmapOf(NativeReader reader, GitLogRequest request, List<string> warnings) =>
        request.Mailmap && !request.Compat ? reader.Mailmap(request.Aliases, warnings.Add) : null;

    private static CommitLog Walk(NativeReader reader, ObjectId tip, HistoryOptions options, Action<long> progress, CancellationToken cancel)
    {
        var log = new CommitLog();
        reader.Walk(tip, options.Since, options.Until, null, null, options.Alone, log, progress, cancel);
        return log;
    }

    // The cached log when the revision still names the commit it was taken at; else the commits new since added to it,
    // when that commit is an ancestor of the new one; else (history rewritten) the whole history read again.
    private static (CommitLog Log, long Read, string Note, bool Damaged) ReadCached(
        NativeReader reader, HistoryCache cache, string revision, ObjectId tip, Action<long> progress, CancellationToken cancel)
    {
        string key = reader.RepositoryKey;
        var entry = cache.Load(key, revision, out bool damaged);
        if (entry is not null && entry.Tip == tip)
        {
            progress(entry.Log.Commits.Count);
            return (entry.Log, 0, "cache: up to date", false);
        }

        string note;
        CommitLog log;
        byte[] ids;
        long read;
        if (entry is not null)
        {
            var (added, met) = reader.Walk(tip, null, null, entry.Holds, entry.Tip, false, entry.Log, _ => { }, cancel);
            if (met)
            {
                log = entry.Log;
                read = added.Count;
                ids = HistoryCache.Sorted(entry.Ids().Concat(added));
                note = $"cache: {added.Count} new commit{(added.Count == 1 ? "" : "s")} since {entry.Tip.ToString()[..12]}";
                progress(log.Commits.Count);
                return Stored(cache, key, revision, tip, log, ids, read, note, damaged: false);
            }

            note = $"cache: {entry.Tip.ToString()[..12]} is no longer in the history (rewritten): read again";
        }
        else
        {
            note = damaged ? "cache: its row for this repository was damaged (checksum): read again" : "cache: first read";
        }

        log = new CommitLog();
        var (all, _) = reader.Walk(tip, null, null, null, null, false, log, progress, cancel);
        read = all.Count;
        ids = HistoryCache.Sorted(all);
        return Stored(cache, key, revision, tip, log, ids, read, note, damaged);
    }

    private static (CommitLog Log, long Read, string Note, bool Damaged) Stored(
        HistoryCache cache, string key, string revision, ObjectId tip, CommitLog log, byte[] ids, long read, string note, bool damaged) =>
        (log, read, cache.Store(key, revision, tip, log, ids) ? note : $"{note} (the cache could not be written)", damaged);
}
