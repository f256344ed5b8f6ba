using System.Diagnostics;

namespace Kashika.Testing;

/// <summary>Runs a program the tests compare with or record with (perf, gcc, go), in a folder.</summary>
public static class ExternalTool
{
    /// <returns>Its exit code and output, or null when it is not installed.</returns>
    public static (int ExitCode, string Output, string Error)? Run(string directory, string tool, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
