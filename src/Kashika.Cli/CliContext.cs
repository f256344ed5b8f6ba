using Spectre.Console;

namespace Kashika.Cli;

/// <summary>Everything a command touches of its process: injected so tests can run whole commands against fakes.</summary>
/// <param name="StandardOutput">Machine output (reports asked for on stdout).</param>
/// <param name="StandardInput">Input read when a command is given "-".</param>
/// <param name="Error">People's output: progress, warnings and errors.</param>
/// <param name="ErrorIsTerminal">Whether live progress may redraw; otherwise progress is plain lines.</param>
/// <param name="Clock">The time, and the local time zone (<see cref="TimeProvider.LocalTimeZone"/>) times are shown in.</param>
/// <param name="Variables">The environment as the command reads it (the process's when null).</param>
public sealed record CliContext(
    Stream StandardOutput, Stream StandardInput, IAnsiConsole Error, bool ErrorIsTerminal, string CurrentDirectory, TimeProvider Clock, Func<string, string?>? Variables = null)
{
    /// <summary>An environment variable the command reads (KASHIKA_DEBUG, POSIXLY_CORRECT, S_TIME_FORMAT, the cache's
    /// XDG_CACHE_HOME and HOME). Variables git reads too are read by the git adapters from the process, as git does.</summary>
    public string? Variable(string name) => (Variables ?? Environment.GetEnvironmentVariable)(name);

    public static CliContext FromProcess()
    {
        bool terminal = !Console.IsErrorRedirected;
        var error = AnsiConsole.Create(new AnsiConsoleSettings
        {
            // A closed or failing standard error (2>&-) loses the messages, never the run.
            Out = new AnsiConsoleOutput(new QuietWriter(Console.Error)),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!terminal)
        {
            // Logs and pipes get one line per message, never wrapped at an assumed 80 columns.
            error.Profile.Width = 4096;
        }

        var output = new Kashika.Reports.OutputGuard(Console.OpenStandardOutput(), "standard output");
        var input = InputWasClosed() ? new ClosedInput() : Console.OpenStandardInput();
        return new CliContext(output, input, error, terminal, Environment.CurrentDirectory, TimeProvider.System);
    }

    // Started with standard input closed (<&-), the runtime's first descriptor lands on 0: a pipe of its own, whose
    // other end this process holds too, and reading it would wait for ever.
    private static bool InputWasClosed()
    {
        try
        {
            string? zero = new FileInfo("/proc/self/fd/0").LinkTarget;
            if (zero is null || !zero.StartsWith("pipe:", StringComparison.Ordinal))
            {
                return zero?.StartsWith("anon_inode:", StringComparison.Ordinal) ?? false;
            }

            // The write end of the same pipe, open here: the runtime's pipe (a real standard input's writer is elsewhere).
            return Directory.EnumerateFileSystemEntries("/proc/self/fd")
                .Any(fd => Path.GetFileName(fd) != "0" && new FileInfo(fd).LinkTarget == zero && WriteOnly(Path.GetFileName(fd)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool WriteOnly(string fd)
    {
        string? flags = File.ReadLines($"/proc/self/fdinfo/{fd}").FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal));
        return flags is not null && Convert.ToInt64(flags[6..].Trim(), 8) is var f && (f & 3) == 1;
    }

    private sealed class ClosedInput : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new Kashika.Core.Common.InputException("standard input: it is closed");

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    // Messages quote input (lines of files, names from repositories): its control characters are shown escaped, so
    // a file cannot drive the terminal (ESC]0;… retitles it, ESC[2J clears it).
    public void Warn(string message) => Error.MarkupLineInterpolated($"[yellow]kashika: warning:[/] {Printable(message)}");

    public void Fail(string message) => Error.MarkupLineInterpolated($"[red]kashika: error:[/] {Printable(message)}");

    public void Say(string message) => Error.MarkupLineInterpolated($"kashika: {Printable(message)}");

    /// <summary>
    /// The text with control characters (tabs excepted: line feeds too, so a name cannot start a line of its own) as
    /// \xNN or \u{NN}, and the marks that reorder text (right-to-left overrides and isolates) as \u{202e}: a name from
    /// a repository or a recording cannot drive the terminal or disguise what a line says.
    /// </summary>
    public static string Printable(string text)
    {
        if (!text.Any(Hidden))
        {
            return text;
        }

        var shown = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            shown.Append(!Hidden(c) ? c.ToString() : c < 0x100 ? $"\\x{(int)c:x2}" : $"\\u{{{(int)c:x}}}");
        }

        return shown.ToString();
    }

    private static bool Hidden(char c) =>
        (char.IsControl(c) && c != '\t') || c is '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');
}

/// <summary>A writer whose faults are dropped: for standard error, the last channel there is to report on.</summary>
internal sealed class QuietWriter(TextWriter inner) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value) => Quietly(() => inner.Write(value));

    public override void Write(string? value) => Quietly(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Quietly(() => inner.Write(buffer, index, count));

    public override void Flush() => Quietly(inner.Flush);

    private static void Quietly(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // Nowhere left to say it.
        }
    }
}
