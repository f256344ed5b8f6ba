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

/// <summary>Streams a repository's history from the git command line into an <see cref="AuthorTally"/>.</summary>
public static class GitLog
{
    private const int ProgressEvery = 8192;

    /// <summary>The commits <c>git log</c> shows, each author record as git prints it (%aN/%aE with the mailmap, else
    /// %an/%ae; %an alone with <see cref="GitLogRequest.Compat"/>), and whether the repository is a shallow clone.</summary>
    /// <param name="progress">Called with the number of commits read so far, every few thousand commits and at the end.</param>
    public static (CommitLog Log, bool Shallow) Read(GitRepository repository, GitLogRequest request, Action<long> progress, CancellationToken cancel)
    {
        // Asked alongside the log rather than before it: one process less on the critical path.
        var shallow = Task.Run(() => Run(repository, ["rev-parse", "--is-shallow-repository"], cancel).StartsWith("true", StringComparison.Ordinal), cancel);
        var log = new CommitLog();
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
                log.AddRecord(line, request.Compat);
                if (log.Commits.Count % ProgressEvery == 0)
                {
                    progress(log.Commits.Count);
                }
            });
        });
        progress(log.Commits.Count);
        return (log, shallow.GetAwaiter().GetResult());
    }

    /// <summary>git's own reading of --since and --until (approxidate: "2 weeks ago", "2019-01-01", …) as seconds,
    /// asked once for the whole run.</summary>
    public static (long? Since, long? Until) Dates(GitRepository repository, string? since, string? until, CancellationToken cancel)
    {
        if (since is null && until is null)
        {
            return (null, null);
        }

        var arguments = new List<string> { "rev-parse" };
        if (since is not null)
        {
            arguments.Add($"--since={since}");
        }

        if (until is not null)
        {
            arguments.Add($"--until={until}");
        }

        long? maxAge = null, minAge = null;
        foreach (string line in Run(repository, arguments, cancel).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("--max-age=", StringComparison.Ordinal) && long.TryParse(line.AsSpan(10), out long max))
            {
                maxAge = max;
            }
            else if (line.StartsWith("--min-age=", StringComparison.Ordinal) && long.TryParse(line.AsSpan(10), out long min))
            {
                minAge = min;
            }
        }

        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Check("since", since, maxAge, now);
        Check("until", until, minAge, now);
        return (maxAge, minAge);
    }

    // git reads any text as a date, and what it cannot read as "now": a date that comes out as now from words that do
    // not mean now is one git could not read, and would silently select nothing.
    private static void Check(string option, string? text, long? seconds, long now)
    {
        if (text is null)
        {
            return;
        }

        string words = text.Trim().ToLowerInvariant();
        bool meansNow = words is "now" or "today" || (words.StartsWith("0 ", StringComparison.Ordinal) && words.EndsWith(" ago", StringComparison.Ordinal));
        if (words.Length == 0 || seconds is null || (Math.Abs(seconds.Value - now) <= 5 && !meansNow))
        {
            throw new ArgumentException($"--{option} '{text}': git cannot read this date (try 2024-01-31, \"2 weeks ago\", yesterday)");
        }
    }

    /// <summary>The commit a revision names, as <c>git rev-parse</c> peels it, or null when it names no single commit.</summary>
    public static string? RevParse(GitRepository repository, string revision, CancellationToken cancel)
    {
        try
        {
            string output = Run(repository, ["rev-parse", "--verify", "--quiet", "--end-of-options", $"{revision}^{{commit}}"], cancel).Trim();
            return output.Length == 40 ? output : null;
        }
        catch (RepositoryException)
        {
            return null;
        }
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
