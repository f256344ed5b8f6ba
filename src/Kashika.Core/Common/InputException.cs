namespace Kashika.Core.Common;

/// <summary>Input a user gave is wrong; the message names where (file and line, or repository) and what.</summary>
public sealed class InputException(string message) : Exception(message)
{
    public static InputException At(string source, long line, string what) => new($"{source}:{line}: {what}");
}

/// <summary>A program Kashika runs (git, perf) is not installed: the run cannot go on (exit code 5 in docs/errors.md).</summary>
public class ToolMissingException(string message) : Exception(message);
