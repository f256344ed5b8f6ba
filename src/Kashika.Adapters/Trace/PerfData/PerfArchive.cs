using System.Formats.Tar;
using System.IO.Compression;
using System.Text.RegularExpressions;
using ICSharpCode.SharpZipLib.BZip2;
using Kashika.Core.Common;

namespace Kashika.Adapters.Trace.PerfData;

/// <summary>
/// The build-id cache of another machine, as <c>perf archive</c> packs it (perf.data.tar.bz2: each module's copy under
/// its path and build id, "usr/bin/gzip/ID/elf", and the kernel's symbols, "[kernel.kallsyms]/ID/kallsyms"), laid out in
/// a temporary directory as perf's cache is: <c>.build-id/xx/rest/{elf,debug,vdso,kallsyms}</c> and
/// <c>[kernel.kallsyms]/ID/kallsyms</c>. Only those regular files are taken, each named by its build id alone: an
/// archive's links, absolute paths and "..", or anything else it holds, never decide where a file is written.
/// </summary>
public sealed partial class PerfArchive : IDisposable
{
    private PerfArchive(string directory) => Directory = directory;

    /// <summary>The cache's directory (perf's --buildid-dir), deleted with this.</summary>
    public string Directory { get; }

    /// <summary>How many modules' files it holds.</summary>
    public int Files { get; private set; }

    /// <summary>Unpacks an archive: tar, bzip2 (perf archive's), gzip or zstd.</summary>
    /// <exception cref="InputException">It is missing, unreadable, damaged or not a tar archive.</exception>
    public static PerfArchive Open(string path)
    {
        var archive = new PerfArchive(System.IO.Directory.CreateTempSubdirectory("kashika-archive-").FullName);
        try
        {
            using var file = File.OpenRead(path);
            using var content = Decompressed(file);
            using var tar = new TarReader(content);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data
                    && CacheFile().Match(entry.Name.Replace('\\', '/')) is { Success: true } m)
                {
                    archive.Add(m.Groups["id"].Value, m.Groups["kind"].Value, m.Groups["kernel"].Success, data);
                }
            }

            return archive;
        }
        // SharpZipLib's bzip2 decoder indexes its tables by what damaged data says (IndexOutOfRangeException).
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or ArgumentException
            or ICSharpCode.SharpZipLib.SharpZipBaseException or ZstdSharp.ZstdException or IndexOutOfRangeException)
        {
            archive.Dispose();
            string why = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : $"not a whole perf archive ({e.Message.TrimEnd('.')})";
            throw new InputException($"{path}: {why}");
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left in the temporary directory: the profile is written all the same.
        }
    }

    private void Add(string id, string kind, bool kernel, Stream data)
    {
        string target = Path.Join(Directory, ".build-id", id[..2], id[2..]);
        System.IO.Directory.CreateDirectory(target);
        using (var output = File.Create(Path.Join(target, kind)))
        {
            data.CopyTo(output);
        }

        if (kernel && kind == "kallsyms")
        {
            string kallsyms = Path.Join(Directory, "[kernel.kallsyms]", id);
            System.IO.Directory.CreateDirectory(kallsyms);
            File.Copy(Path.Join(target, kind), Path.Join(kallsyms, kind), overwrite: true);
        }

        Files++;
    }

    // perf archive's tarball is bzip2; gzip and zstd are read too, and a plain tar.
    private static Stream Decompressed(Stream file)
    {
        var head = new byte[4];
        int read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return head.AsSpan(0, read) switch
        {
            [(byte)'B', (byte)'Z', (byte)'h', ..] => new BZip2InputStream(file) { IsStreamOwner = false },
            [0x1f, 0x8b, ..] => new GZipStream(file, CompressionMode.Decompress, leaveOpen: true),
            [0x28, 0xb5, 0x2f, 0xfd] => new ZstdSharp.DecompressionStream(file, leaveOpen: true),
            _ => file,
        };
    }

    // ".../ID/elf" (or debug, vdso, kallsyms): the build id (hex, 2 to 64 digits) and which file of it.
    [GeneratedRegex(@"(?:^|/)(?<kernel>\[kernel\.kallsyms\]/)?(?<id>[0-9a-f]{4,64})/(?<kind>elf|debug|vdso|kallsyms)$", RegexOptions.CultureInvariant)]
    private static partial Regex CacheFile();
}
