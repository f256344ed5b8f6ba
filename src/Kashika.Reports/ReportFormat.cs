namespace Kashika.Reports;

/// <summary>One output format of a tool's report: every format, of every tool, writes through this one interface.</summary>
public interface IReportFormat<in TModel>
{
    /// <summary>The name the command line uses, e.g. "html".</summary>
    string Name { get; }

    /// <summary>The file written when no -o is given, or null when the format goes to standard output.</summary>
    string? DefaultFileName { get; }

    void Write(TModel model, Stream output);
}

public static class ReportFormats
{
    /// <summary>The format a command line names ("html", "json"…); the parser accepts only names that exist.</summary>
    public static IReportFormat<TModel> Named<TModel>(this IEnumerable<IReportFormat<TModel>> formats, string name) =>
        formats.First(f => string.Equals(f.Name, name, StringComparison.Ordinal));
}

/// <summary>Thrown when a report cannot be written where the user asked; nothing partial is left behind.</summary>
public sealed class OutputException(string message, Exception? inner) : Exception(message, inner);

/// <summary>Writes reports: to standard output, or to a file that appears whole or not at all.</summary>
public static class ReportWriter
{
    // The temporary files being written, deleted if the process is interrupted before their rename. A file is made and
    // listed under the gate, and after an interrupt none is made: the writing thread runs on while the process exits,
    // and a file made after the deletion would be left behind.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Temporary = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();
    private static bool interrupted;

    /// <summary>--force: a read-only file is replaced like any other (its permissions kept), not refused.</summary>
    public static bool ReplaceReadOnly { get; set; }

    /// <summary>Deletes every temporary report file still being written, and lets no other be made (an interrupt).</summary>
    public static void DeleteTemporaryFiles()
    {
        lock (Gate)
        {
            interrupted = true;
            foreach (string path in Temporary.Keys)
            {
                TryDelete(path);
            }
        }
    }

    /// <returns>The path written, or null when the report went to <paramref name="standardOutput"/>.</returns>
    public static string? Write<TModel>(IReportFormat<TModel> format, TModel model, string? path, Stream standardOutput)
    {
        path ??= format.DefaultFileName;
        if (path is null || path == "-")
        {
            format.Write(model, standardOutput);
            standardOutput.Flush();
            return null;
        }

        string full = FullPath(path);
        if (OutputTarget.WrittenInPlace(full))
        {
            return WriteInPlace(format, model, path, full);
        }

        var pending = Prepare(path, full, stream => format.Write(model, stream));
        Commit(pending);
        return pending.Full;
    }

    /// <summary>
    /// Several files that belong together (an export's tables): every one written to its temporary file first, then
    /// all renamed into place one right after the other, so an interrupt or a failure while writing leaves the old set
    /// whole. Each file is still replaced alone: a reader must check that the set is one (its files name each other).
    /// </summary>
    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> WriteSet<TModel>(IReadOnlyList<IReportFormat<TModel>> formats, TModel model, string folder)
    {
        var pending = new List<Pending>();
        try
        {
            foreach (var format in formats)
            {
                string path = Path.Combine(folder, format.DefaultFileName ?? format.Name);
                pending.Add(Prepare(path, FullPath(path), stream => format.Write(model, stream)));
            }

            foreach (var file in pending)
            {
                Commit(file);
            }

            return [.. pending.Select(p => p.Full)];
        }
        finally
        {
            foreach (var file in pending)
            {
                if (Temporary.ContainsKey(file.Temporary))
                {
                    TryDelete(file.Temporary);
                    Temporary.TryRemove(file.Temporary, out _);
                }
            }
        }
    }

    private static string FullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (ArgumentException)
        {
            throw new OutputException($"cannot write '{path}': not a file name", null);
        }
    }

    // A report written whole into a temporary file beside its target, not yet renamed.
    private sealed record Pending(string Path, string Full, string Temporary);

    private static Pending Prepare(string path, string full, Action<Stream> write)
    {
        // The file a symbolic link points at is replaced; the link stays a link.
        full = OutputTarget.Replaced(full);
        var replaced = OutputTarget.Replacing(full);
        if (!ReplaceReadOnly && replaced is { } old && OutputTarget.IsReadOnly(old))
        {
            // A read-only report was made so on purpose: it is not replaced behind the user's back (root may write anything).
            throw new OutputException($"cannot write {path}: it is read-only (make it writable, chmod u+w, or give --force to replace it)", null);
        }

        string temporary = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            FileStream created;
            lock (Gate)
            {
                if (interrupted)
                {
                    throw new OperationCanceledException();
                }

                Temporary[temporary] = 0;
                created = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            }

            using (var file = created)
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            if (replaced is { } was)
            {
                OutputTarget.Inherit(was, temporary);
            }

            return new Pending(path, full, temporary);
        }
        catch (Exception e)
        {
            TryDelete(temporary);
            Temporary.TryRemove(temporary, out _);
            if (e is IOException or UnauthorizedAccessException)
            {
                throw Failed(path, full, e);
            }

            throw;
        }
    }

    // A rename within one directory is atomic: readers see the old report or the new one, never half of one.
    private static void Commit(Pending pending)
    {
        try
        {
            File.Move(pending.Temporary, pending.Full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(pending.Temporary);
            throw Failed(pending.Path, pending.Full, e);
        }
        finally
        {
            Temporary.TryRemove(pending.Temporary, out _);
        }
    }

    // A device, FIFO or /dev/stdout: written as it is, since there is no file to replace.
    private static string WriteInPlace<TModel>(IReportFormat<TModel> format, TModel model, string path, string full)
    {
        try
        {
            using var target = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
            format.Write(model, target);
            target.Flush();
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed(path, full, e);
        }
    }

    // A write that fails because an interrupt deleted its temporary file is the interrupt, not an output fault: the
    // process ends 130, whichever thread gets there first.
    private static Exception Failed(string path, string full, Exception e)
    {
        if (Volatile.Read(ref interrupted))
        {
            return new OperationCanceledException("interrupted while writing " + path, e);
        }

        string reason = e switch
        {
            DirectoryNotFoundException => $"no such directory {Path.GetDirectoryName(full)}",
            UnauthorizedAccessException => $"permission denied in {Path.GetDirectoryName(full)}",
            _ => e.Message,
        };
        return new OutputException($"cannot write {path}: {reason}", e);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temporary file may never have been created; there is nothing more to clean.
        }
    }
}
