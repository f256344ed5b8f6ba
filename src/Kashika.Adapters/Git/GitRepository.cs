namespace Kashika.Adapters.Git;

/// <summary>A repository to analyse.</summary>
/// <param name="Name">The project's name in reports.</param>
/// <param name="Path">The repository's directory: a work tree or a bare repository.</param>
/// <param name="Source">The argument the user gave for it.</param>
public sealed record GitRepository(string Name, string Path, string Source);

/// <summary>A repository that git could not read; the message is git's own, prefixed with the project's name.</summary>
/// <param name="Empty">The repository has no commits yet: worth a warning, not a failure.</param>
public sealed class RepositoryException(string message, bool empty) : Exception(message)
{
    public bool Empty { get; } = empty;
}

/// <summary>The git command is not installed or cannot be started.</summary>
public sealed class GitMissingException(string message) : Kashika.Core.Common.ToolMissingException(message);
