using Spectre.Console;

namespace Kashika.Cli;

/// <summary>Everything a command touches of its process: injected so tests can run whole commands against fakes.</summary>
/// <param name="StandardOutput">Machine output (reports asked for on stdout).</param>
/// <param name="StandardInput">Input read when a command is given "-".</param>
/// <param name="Error">People's output: progress, warnings and errors.</param>
/// <param name="ErrorIsTerminal">Whether live progress may redraw; otherwise progress is plain lines.</param>
public sealed record CliContext(Stream StandardOutput, Stream StandardInput, IAnsiConsole Error, bool ErrorIsTerminal, string CurrentDirectory, TimeProvider Clock)
{
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
        return new CliContext(output, Console.OpenStandardInput(), error, terminal, Environment.CurrentDirectory, TimeProvider.System);
    }

    // Messages quote input (lines of files, names from repositories): its control characters are shown escaped, so
    // a file cannot drive the terminal (ESC]0;… retitles it, ESC[2J clears it).
    public void Warn(string message) => Error.MarkupLineInterpolated($"[yellow]kashika: warning:[/] {Printable(message)}");

    public void Fail(string message) => Error.MarkupLineInterpolated($"[red]kashika: error:[/] {Printable(message)}");

    public void Say(string message) => Error.MarkupLineInterpolated($"kashika: {Printable(message)}");

    /// <summary>The text with C0 and C1 control characters (but line feeds and tabs) as \xNN or \u{NN}.</summary>
    public static string Printable(string text)
    {
        if (!text.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
        {
            return text;
        }

        var shown = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            shown.Append(c is '\n' or '\t' || !char.IsControl(c) ? c.ToString() : c < 0x100 ? $"\\x{(int)c:x2}" : $"\\u{{{(int)c:x}}}");
        }

        return shown.ToString();
    }
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
