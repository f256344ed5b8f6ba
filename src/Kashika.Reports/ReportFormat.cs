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
public sealed class OutputException(string message, Exception inner) : Exception(message, inner);

/// <summary>Writes reports: to standard output, or to a file that appears whole or not at all.</summary>
public static class ReportWriter
{
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

        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                format.Write(model, file);
                file.Flush(flushToDisk: true);
            }

            // A rename within one directory is atomic: readers see the old report or the new one, never half of one.
            File.Move(temporary, full, overwrite: true);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            string reason = e switch
            {
                DirectoryNotFoundException => $"no such directory {Path.GetDirectoryName(full)}",
                UnauthorizedAccessException => $"permission denied in {Path.GetDirectoryName(full)}",
                _ => e.Message,
            };
            throw new OutputException($"cannot write {path}: {reason}", e);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
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
