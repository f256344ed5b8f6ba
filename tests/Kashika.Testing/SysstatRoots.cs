using System.Text.RegularExpressions;

namespace Kashika.Testing;

/// <summary>How sysstat's fake roots are laid out for a test.</summary>
public enum RootLayout
{
    /// <summary>The corpus as it was copied (links may be stand-in files or real links: whatever the copy holds).</summary>
    AsGiven,

    /// <summary>
    /// As a machine has them: every stand-in for a link (a small file holding a path) a real symbolic link, even one that
    /// leads nowhere; every dev/NAME holding "major minor" a block device node made with mknod when the test runs as
    /// root (else left a stand-in).
    /// </summary>
    RealLinks,
}

/// <summary>sysstat's roots (root1…root7, root6b) in the layout a test asks for; RealLinks made once per process.</summary>
public static partial class SysstatRoots
{
    private static readonly Lazy<string> RealLinksFolder = new(MakeRealLinks);

    /// <summary>The folder holding root1…root7 in <paramref name="layout"/> (skips the test when the corpus is missing).</summary>
    public static string Folder(RootLayout layout)
    {
        string corpus = Paths.RequireCorpus("iostat/sysstat/roots");
        return layout == RootLayout.AsGiven ? corpus : RealLinksFolder.Value;
    }

    /// <summary>Whether this process can make device nodes (RealLinks then holds mknod nodes, not stand-ins).</summary>
    public static bool MakesDeviceNodes => Environment.UserName == "root" && OperatingSystem.IsLinux();

    private static string MakeRealLinks()
    {
        string corpus = Paths.RequireCorpus("iostat/sysstat/roots");
        string folder = Path.Combine(Path.GetTempPath(), $"kashika-sysstat-real-links-{Environment.ProcessId}");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        CopyTree(corpus, folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToList())
        {
            if (new FileInfo(file).LinkTarget is not null || Path.GetFileName(file) == "_list" || new FileInfo(file).Length >= 256)
            {
                continue;
            }

            string text = File.ReadAllText(file).Trim();
            string relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (LinkTarget().IsMatch(text))
            {
                File.Delete(file);
                File.CreateSymbolicLink(file, text);
            }
            else if (MakesDeviceNodes && DeviceNode().Match(relative) is { Success: true } && Numbers().Match(text) is { Success: true } numbers)
            {
                File.Delete(file);
                MakeNode(file, numbers.Groups[1].Value, numbers.Groups[2].Value);
            }
        }

        return folder;
    }

    /// <summary>A block device node at <paramref name="path"/> (mknod; the caller runs as root).</summary>
    public static void MakeNode(string path, string major, string minor)
    {
        var made = ExternalTool.Run(Path.GetDirectoryName(path)!, "mknod", path, "b", major, minor);
        if (made is not { ExitCode: 0 })
        {
            throw new InvalidOperationException($"mknod {path} b {major} {minor}: {made?.Error ?? "mknod is not installed"}");
        }
    }

    // Copies a tree as it is: a link (even one that leads nowhere) is copied as the same link.
    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            string target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo)
            {
                CopyTree(entry.FullName, target);
            }
            else
            {
                File.Copy(entry.FullName, target);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                }
            }
        }
    }

    // A path with a '/' and nothing else: what sysstat's harness writes where its git checkout has a link.
    [GeneratedRegex(@"^[^\s]*/[^\s]*$")]
    private static partial Regex LinkTarget();

    // dev/NAME or dev/cciss/NAME of a root: the nodes sysstat's harness stands in for with "major minor".
    [GeneratedRegex(@"^root[^/]*/dev/(?!disk/|mapper/)[^/]+(/[^/]+)?$")]
    private static partial Regex DeviceNode();

    [GeneratedRegex(@"^(\d+)\s+(\d+)$")]
    private static partial Regex Numbers();
}
