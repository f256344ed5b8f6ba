using System.Security.Cryptography;
using System.Text;

namespace Kashika.Adapters.Relate;

/// <summary>A report found in the cache: its bytes (open, checked whole), and what its run said (a summary, warnings).</summary>
public sealed record CachedReport(Stream Report, string Summary, IReadOnlyList<string> Warnings) : IDisposable
{
    public void Dispose() => Report.Dispose();
}

/// <summary>
/// Reports made before, kept whole beside the history cache (its folder's <c>reports/</c>), each under a key of
/// everything that decides its bytes (<see cref="Key"/>: the kashika that made it, the options, each repository's
/// <see cref="ProjectReading.Fingerprint"/>): a rerun on unchanged repositories copies the report instead of relating
/// thousands of projects again. An entry is its report and a note of what the run said, with the report's SHA-256: a
/// damaged report is made again, never served. The newest <see cref="Kept"/> entries stay.
/// </summary>
public sealed class ReportCache
{
    /// <summary>Entries kept: a report of 10,000 projects is ~100 MB.</summary>
    public const int Kept = 8;

    private const string Header = "kashika report cache 1";

    private ReportCache(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>The cache in <paramref name="historyCache"/>'s folder; null when that folder cannot be written.</summary>
    public static ReportCache? Open(string historyCache)
    {
        string folder = Path.Combine(historyCache, "reports");
        try
        {
            Directory.CreateDirectory(folder);
            return new ReportCache(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The cache in <paramref name="historyCache"/>'s folder and the key of a report made from the repositories
    /// <paramref name="request"/> names with <paramref name="options"/> (every option that changes its bytes) by this
    /// kashika; null when a repository cannot be told apart without reading it, or the folder cannot be written.</summary>
    public static (ReportCache Cache, string Key)? For(string historyCache, RepositoryRequest request, IReadOnlyList<string> options, CancellationToken cancel)
    {
        if (ProjectReading.Fingerprint(request, cancel) is not { } repositories || Open(historyCache) is not { } cache)
        {
            return null;
        }

        // This kashika: its executable, and the assemblies beside it when it runs on the .NET runtime (dotnet kashika.dll).
        string folder = AppContext.BaseDirectory;
        var built = new[] { Environment.ProcessPath ?? "", Path.Combine(folder, "kashika.dll") }
            .Concat(Directory.Exists(folder) ? Directory.GetFiles(folder, "Kashika.*.dll").Order(StringComparer.Ordinal) : [])
            .Where(File.Exists).Select(f => new FileInfo(f)).Select(f => $"{f.FullName} {f.Length} {f.LastWriteTimeUtc.Ticks}");
        return (cache, Key([string.Join('\n', built), .. options, repositories]));
    }

    /// <summary>A key of parts (each told apart from the next, so no two lists of parts give one text).</summary>
    private static string Key(IEnumerable<string> parts)
    {
        var text = new StringBuilder(Header);
        foreach (string part in parts)
        {
            text.Append('\n').Append(part.Length).Append(':').Append(part);
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant();
    }

    /// <summary>The report kept under <paramref name="key"/>, whole and as it was written; null when there is none or it
    /// is damaged.</summary>
    public CachedReport? Load(string key)
    {
        string report = Path.Combine(Folder, key + ".report"), note = Path.Combine(Folder, key + ".said");
        try
        {
            string[] lines = File.ReadAllLines(note, Encoding.UTF8);
            if (lines.Length < 3 || lines[0] != Header)
            {
                return null;
            }

            // Open until copied: an entry another run prunes meanwhile is still read whole.
            var stream = new FileStream(report, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
            try
            {
                if (!string.Equals(Convert.ToHexString(SHA256.HashData(stream)), lines[1], StringComparison.Ordinal))
                {
                    stream.Dispose();
                    return null;
                }

                stream.Position = 0;
                // Most recently used last to go.
                File.SetLastWriteTimeUtc(note, DateTime.UtcNow);
                var said = lines[2..].Select(l => Encoding.UTF8.GetString(Convert.FromBase64String(l))).ToList();
                return new CachedReport(stream, said[0], said[1..]);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Keeps a copy of the report just written to <paramref name="written"/> (a regular file; anything else,
    /// a device or a pipe, is not read back) under <paramref name="key"/>, with what its run said. A cache that cannot
    /// take it (a full disk) keeps nothing: the report written is the user's either way.</summary>
    public bool Store(string key, string written, string summary, IReadOnlyList<string> warnings)
    {
        string report = Path.Combine(Folder, key + ".report"), note = Path.Combine(Folder, key + ".said");
        string temporary = Path.Combine(Folder, $".{key}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (FileSystem.FileStatus.Of(written).Kind != FileSystem.FileKind.Regular)
            {
                return false;
            }

            File.Delete(note); // no entry while its report is replaced
            byte[] digest;
            using (var copy = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                using (var source = new FileStream(written, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                {
                    source.CopyTo(copy);
                }

                copy.Position = 0;
                digest = SHA256.HashData(copy);
            }

            File.Move(temporary, report, overwrite: true);
            var lines = new List<string> { Header, Convert.ToHexString(digest) };
            lines.AddRange(warnings.Prepend(summary).Select(w => Convert.ToBase64String(Encoding.UTF8.GetBytes(w))));
            File.WriteAllLines(temporary, lines, new UTF8Encoding(false));
            File.Move(temporary, note, overwrite: true);
            Prune();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            TryDelete(note);
            TryDelete(report);
            return false;
        }
    }

    // The newest entries stay; older ones, and what a killed run left, go.
    private void Prune()
    {
        var notes = new DirectoryInfo(Folder).GetFiles("*.said").OrderByDescending(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        var kept = notes.Take(Kept).Select(f => Path.GetFileNameWithoutExtension(f.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in new DirectoryInfo(Folder).GetFiles())
        {
            bool entry = file.Extension is ".said" or ".report" && kept.Contains(Path.GetFileNameWithoutExtension(file.Name));
            if (!entry && (file.Extension != ".tmp" || file.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1)))
            {
                TryDelete(file.FullName);
            }
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
            // Left for the next prune.
        }
    }
}
