using System.Runtime.InteropServices;
using System.Text;

namespace Kashika.Adapters.FileSystem;

/// <summary>
/// Paths as Linux has them: bytes, not always valid UTF-8. .NET decodes every name as UTF-8 (an invalid byte becomes
/// U+FFFD), so such a name cannot be opened by the string it is given as. Here the name is found as bytes (in its
/// folder, or in the process's command line), opened once, and read through <c>/proc/PID/fd/N</c> — a path of plain
/// ASCII that reaches the same folder, for this process and for the git it starts.
/// </summary>
public static partial class BytePaths
{
    /// <summary>The names of folders (and of links, which may lead to one) in <paramref name="folder"/> that are not valid
    /// UTF-8, as bytes, in byte order.</summary>
    public static IReadOnlyList<byte[]> InvalidNames(string folder)
    {
        var names = new List<byte[]>();
        if (!OperatingSystem.IsLinux())
        {
            return names;
        }

        nint directory = OpenDirectory(folder);
        if (directory == 0)
        {
            return names;
        }

        try
        {
            for (nint entry; (entry = ReadDirectory(directory)) != 0;)
            {
                // struct dirent: d_ino (8), d_off (8), d_reclen (2), d_type (1), then the name, NUL-terminated.
                int length = 0;
                while (Marshal.ReadByte(entry, 19 + length) != 0)
                {
                    length++;
                }

                byte[] name = new byte[length];
                Marshal.Copy(entry + 19, name, 0, length);
                byte type = Marshal.ReadByte(entry, 18); // DT_UNKNOWN 0, DT_DIR 4, DT_LNK 10
                if (type is 0 or 4 or 10 && !IsUtf8(name))
                {
                    names.Add(name);
                }
            }
        }
        finally
        {
            _ = CloseDirectory(directory);
        }

        names.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return names;
    }

    /// <summary>Opens <paramref name="path"/> (bytes; relative to <paramref name="baseFolder"/> unless absolute) and
    /// returns a path that reaches it, or null when it cannot be opened. The descriptor stays open for the process's life.</summary>
    public static string? Open(string baseFolder, byte[] path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        byte[] full = path.Length > 0 && path[0] == (byte)'/' ? path : [.. Encoding.UTF8.GetBytes(baseFolder.TrimEnd('/')), (byte)'/', .. path];
        int descriptor = OpenPath([.. full, 0], OpenReadOnly | OpenCloseOnExec);
        return descriptor < 0 ? null : $"/proc/{Environment.ProcessId}/fd/{descriptor}";
    }

    /// <summary>Whether <paramref name="path"/> is one <see cref="Open(string, byte[])"/> gave.</summary>
    public static bool IsOpened(string path) => path.StartsWith($"/proc/{Environment.ProcessId}/fd/", StringComparison.Ordinal);

    /// <summary>The name shown for bytes: valid UTF-8 as text, every other byte as \xNN.</summary>
    public static string Escaped(ReadOnlySpan<byte> name)
    {
        var shown = new StringBuilder(name.Length + 8);
        while (!name.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(name, out var rune, out int read) == System.Buffers.OperationStatus.Done)
            {
                shown.Append(rune.ToString());
            }
            else
            {
                read = 1;
                shown.Append($"\\x{name[0]:x2}");
            }

            name = name[read..];
        }

        return shown.ToString();
    }

    /// <summary>The bytes this process was given for <paramref name="argument"/> when they are not valid UTF-8 (its
    /// string then holds U+FFFD in their place); null when the argument is what it says, or is not on the command line.</summary>
    public static byte[]? RawArgument(string argument)
    {
        if (!argument.Contains('\uFFFD', StringComparison.Ordinal) || !OperatingSystem.IsLinux())
        {
            return null;
        }

        byte[] line;
        try
        {
            line = File.ReadAllBytes("/proc/self/cmdline");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        foreach (var raw in line.AsSpan().Split((byte)0))
        {
            var bytes = line.AsSpan(raw);
            if (!IsUtf8(bytes) && Encoding.UTF8.GetString(bytes) == argument)
            {
                return bytes.ToArray();
            }
        }

        return null;
    }

    private static bool IsUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    private const int OpenReadOnly = 0;
    private const int OpenCloseOnExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint OpenDirectory(string path);

    [LibraryImport("libc", EntryPoint = "readdir")]
    private static partial nint ReadDirectory(nint directory);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDirectory(nint directory);

    [LibraryImport("libc", EntryPoint = "open")]
    private static partial int OpenPath(byte[] path, int flags);
}
