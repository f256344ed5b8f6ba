using System.Runtime.InteropServices;

namespace Kashika.Cli;

/// <summary>
/// Ctrl-C and SIGTERM, for every command: the report being written is abandoned, its temporary file deleted, and the
/// process exits 130. A command that ends cleanly on an interrupt instead (a recording) says so with <see cref="Graceful"/>.
/// </summary>
internal static class Interrupts
{
    private static PosixSignalRegistration[] registrations = [];

    /// <summary>When set, an interrupt calls it and the command goes on to its own end.</summary>
    public static Action? Graceful { get; set; }

    public static void Install()
    {
        registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    private static void Handle(PosixSignalContext signal)
    {
        if (Graceful is { } stop)
        {
            signal.Cancel = true;
            stop();
            return;
        }

        Kashika.Reports.ReportWriter.DeleteTemporaryFiles();
        signal.Cancel = true;
        Environment.Exit((int)ExitCode.Cancelled);
    }
}
