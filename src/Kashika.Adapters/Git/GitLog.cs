using System.ComponentModel;
using System.Diagnostics;
using Kashika.Core.Common;
using Kashika.Core.Relate;

namespace Kashika.Adapters.Git;

/// <summary>What to ask git log for.</summary>
/// <param name="Compat">Ask for the 2013 pipeline's <c>%an</c> only, as raw bytes, without mailmap.</param>
/// <param name="Aliases">A mailmap-syntax file applied on top of each repository's own .mailmap.</param>
/// <param name="Period">Also tally each period (by author date) apart.</param>
/// <param name="Mailmap">Apply the repository's .mailmap (%aN/%aE); false reads the addresses as committed (%an/%ae).</param>
public sealed record GitLogRequest(bool Compat, string Revision, string? Since, string? Until, string? Aliases, Period Period = Period.None, bool Mailmap = true);

/// <summary>Facts about a repository learned while reading it.</summary>
/// <param name="ByPeriod">The tally of each period, when periods were asked for.</param>
/// <param name="Undated">Commits whose author date is before 1980 (a clock not set: 1970-01-01) or unreadable: counted in
/// the whole history, left out of every period.</param>
/// <param name="Prints">Every commit's fingerprint, to find history copied between projects (none with --compat).</param>
public sealed record GitHistory(AuthorTally Authors, bool Shallow, IReadOnlyDictionary<string, AuthorTally> ByPeriod, long Undated, IReadOnlyList<CommitPrint> Prints);

/// <summary>Streams a repository's history from the git command line into an <see cref="AuthorTally"/>.</summary>
public static class GitLog
{
    private const int ProgressEvery = 8192;

    /// <param name="progress">Called with the number of commits read so far, every few thousand commits and at the end.</param>
    public static GitHistory Read(GitRepository repository, GitLogRequest request, Action<long> progress, CancellationToken cancel)
    {
        // Asked alongside the log rather than before it: one process less on the critical path.
        var shallow = Task.Run(() => Run(repository, ["rev-parse", "--is-shallow-repository"], cancel).StartsWith("true", StringComparison.Ordinal), cancel);
        var tally = new AuthorTally();
        var byPeriod = new Dictionary<int, AuthorTally>();
        long undated = 0;
        bool periods = request.Period != Period.None;
        var arguments = new List<string>();
        if (request.Aliases is not null)
        {
            arguments.AddRange(["-c", $"mailmap.file={request.Aliases}"]);
        }

        // %aN/%aE apply .mailmap (in bare repositories git reads HEAD:.mailmap); %at %ct %ae, the author and committer
        // dates and the address as committed (each repository's mailmap may map it differently), date periods and
        // fingerprint a commit (CommitPrint); %P lists the parents, two or more for a merge.
        string author = request.Mailmap ? "%aN%x00%aE" : "%an%x00%ae";
        string format = request.Compat ? "%an" : $"{author}%x00%at %ct %ae%x00%P";
        var prints = new List<CommitPrint>();
        arguments.AddRange(["-c", "log.showSignature=false", "log", "--no-color", $"--format={format}"]);
        if (request.Since is not null)
        {
            arguments.Add($"--since={request.Since}");
        }

        if (request.Until is not null)
        {
            arguments.Add($"--until={request.Until}");
        }

        // HEAD is git's default; leaving it implicit makes git say "does not have any commits yet" for an empty repository.
        if (request.Revision != "HEAD")
        {
            // A revision is never an option, whatever it looks like: "--output=FILE" would make git write a file.
            arguments.AddRange(["--end-of-options", request.Revision]);
        }

        arguments.Add("--");
        Run(repository, arguments, cancel, stdout =>
        {
            ByteLines.Read(stdout, line =>
            {
                if (request.Compat)
                {
                    tally.Add(line, isMerge: false);
                }
                else
                {
                    int last = line.LastIndexOf(AuthorResolver.FieldSeparator);
                    bool isMerge = last >= 0 && line[(last + 1)..].Contains((byte)' ');
                    var rest = last < 0 ? line : line[..last];
                    int timeField = rest.LastIndexOf(AuthorResolver.FieldSeparator);
                    var times = timeField < 0 ? default : rest[(timeField + 1)..];
                    var record = timeField < 0 ? rest : rest[..timeField];
                    int space = times.IndexOf((byte)' ');
                    var afterAuthorTime = space < 0 ? default : times[(space + 1)..];
                    int secondSpace = afterAuthorTime.IndexOf((byte)' ');
                    var rawAddress = secondSpace < 0 ? default : afterAuthorTime[(secondSpace + 1)..];
                    bool dated = System.Buffers.Text.Utf8Parser.TryParse(times, out long authorTime, out _);
                    System.Buffers.Text.Utf8Parser.TryParse(afterAuthorTime, out long committerTime, out _);
                    dated &= authorTime >= Periods.FirstPlausible;
                    int period = 0;
                    if (periods)
                    {
                        if (dated)
                        {
                            period = Periods.Key(authorTime, request.Period);
                            (byPeriod.TryGetValue(period, out var slice) ? slice : byPeriod[period] = new AuthorTally()).Add(record, isMerge);
                        }
                        else
                        {
                            undated++;
                        }
                    }

                    string key = tally.Add(record, isMerge);
                    prints.Add(new CommitPrint(CommitPrint.Of(rawAddress, authorTime, committerTime), key, isMerge, period));
                }

                if (tally.Commits % ProgressEvery == 0)
                {
                    progress(tally.Commits);
                }
            });
        });
        progress(tally.Commits);
        return new GitHistory(
            tally, shallow.GetAwaiter().GetResult(), byPeriod.ToDictionary(p => Periods.Label(p.Key, request.Period), p => p.Value, StringComparer.Ordinal), undated, prints);
    }

    private static string Run(GitRepository repository, IReadOnlyList<string> arguments, CancellationToken cancel)
    {
        string output = "";
        Run(repository, arguments, cancel, stdout => output = new StreamReader(stdout).ReadToEnd());
        return output;
    }

    private static void Run(GitRepository repository, IReadOnlyList<string> arguments, CancellationToken cancel, Action<Stream> readOutput)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(repository.Path);
        start.ArgumentList.Add("--no-pager");
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // git's messages in English whatever the user's locale, since the report quotes them.
        start.Environment["LC_ALL"] = "C";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        // On a pipe git flushes after every commit by default: one write (and one wake-up of this reader) per line.
        start.Environment["GIT_FLUSH"] = "0";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new GitMissingException("git: could not be started");
        }
        catch (Win32Exception e)
        {
            throw new GitMissingException($"git: cannot run it ({e.NativeErrorCode switch { 2 => "not found on PATH", 13 => "permission denied", _ => e.Message }}); install git");
        }

        using (process)
        using (cancel.Register(() => Kill(process)))
        {
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                readOutput(process.StandardOutput.BaseStream);
            }
            finally
            {
                // Drain what is left so git never blocks on a full pipe, even when reading stopped early.
                process.StandardOutput.BaseStream.CopyTo(Stream.Null);
                process.WaitForExit();
            }

            cancel.ThrowIfCancellationRequested();
            if (process.ExitCode != 0)
            {
                string message = errors.GetAwaiter().GetResult().Trim();
                string first = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .FirstOrDefault() ?? $"git exited with code {process.ExitCode}";
                bool empty = first.Contains("does not have any commits yet", StringComparison.Ordinal);
                throw new RepositoryException(
                    $"{repository.Name} ({repository.Source}): {(empty ? "empty repository, no commits" : first)}", empty);
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
