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
            Out = new AnsiConsoleOutput(Console.Error),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!terminal)
        {
            // Logs and pipes get one line per message, never wrapped at an assumed 80 columns.
            error.Profile.Width = 4096;
        }

        return new CliContext(Console.OpenStandardOutput(), Console.OpenStandardInput(), error, terminal, Environment.CurrentDirectory, TimeProvider.System);
    }

    public void Warn(string message) => Error.MarkupLineInterpolated($"[yellow]kashika: warning:[/] {message}");

    public void Fail(string message) => Error.MarkupLineInterpolated($"[red]kashika: error:[/] {message}");

    public void Say(string message) => Error.MarkupLineInterpolated($"kashika: {message}");
}
