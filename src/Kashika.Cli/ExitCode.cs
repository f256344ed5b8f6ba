namespace Kashika.Cli;

/// <summary>The exit codes of every kashika command (documented in README.md).</summary>
public enum ExitCode
{
    Success = 0,

    /// <summary>A bug: something failed that no user input explains.</summary>
    InternalError = 1,

    /// <summary>The command line is wrong: unknown option, bad value, options that exclude each other.</summary>
    Usage = 2,

    /// <summary>An input could not be read (missing path, not a repository, broken repository, malformed file).
    /// When other inputs could be read, their report was still written.</summary>
    InputError = 3,

    /// <summary>The report could not be written; no partial file was left.</summary>
    OutputError = 4,

    /// <summary>A required outside tool (git) is not installed.</summary>
    ToolMissing = 5,

    /// <summary>Interrupted (Ctrl+C).</summary>
    Cancelled = 130,
}

/// <summary>A command line found wrong only once the run began (a date git cannot read): exit 2, as any usage error.</summary>
public sealed class UsageError(string message) : Exception(message);
