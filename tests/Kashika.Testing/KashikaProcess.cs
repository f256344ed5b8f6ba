using System.Diagnostics;
using System.Text;

namespace Kashika.Testing;

/// <summary>What a run of the real CLI did.</summary>
public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError, byte[] OutputBytes);

/// <summary>Runs the built kashika CLI as a separate process, as a user would.</summary>
public static class KashikaProcess
{
    public static CliResult Run(string workingDirectory, params string[] arguments) => Run(workingDirectory, new Dictionary<string, string>(), arguments);

    /// <summary>Runs the CLI for a test's fixture, which cannot go on if it fails.</summary>
    public static void Succeed(string workingDirectory, params string[] arguments)
    {
        var result = Run(workingDirectory, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"kashika {string.Join(' ', arguments)}: exit {result.ExitCode}: {result.StandardError}");
        }
    }

    /// <summary>Runs the CLI as user nobody (the caller is root), for cases root's rights would hide.</summary>
    public static CliResult RunAsNobody(string workingDirectory, params string[] arguments) =>
        Run(workingDirectory, new Dictionary<string, string>(), ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet"], arguments);

    public static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Run(workingDirectory, environment, ["dotnet"], arguments);

    /// <summary>Runs the CLI with arguments whose \xNN escapes are made bytes by the shell (printf %b): .NET cannot
    /// pass an argument that is not valid UTF-8, a user's shell can.</summary>
    public static CliResult RunWithBytes(string workingDirectory, params string[] arguments) =>
        Run(workingDirectory, new Dictionary<string, string>(), ["bash", "-c", "a=(); for x in \"$@\"; do a+=(\"$(printf '%b' \"$x\")\"); done; exec dotnet \"${a[@]}\"", "bash"], arguments);

    /// <summary>Starts the CLI and returns at once (output discarded), for tests that kill it or run several at once.</summary>
    public static Process Start(string workingDirectory, params string[] arguments)
    {
        var start = StartInfo(workingDirectory, new Dictionary<string, string>(), ["dotnet"], arguments);
        start.RedirectStandardInput = false;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] launcher, string[] arguments)
    {
        using var process = Process.Start(StartInfo(workingDirectory, environment, launcher, arguments))!;
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        byte[] bytes = output.ToArray();
        return new CliResult(process.ExitCode, Encoding.UTF8.GetString(bytes), error.Result, bytes);
    }

    // The CLI in a test's folder: that folder is HOME and holds the cache, and no system git config applies.
    private static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] launcher, string[] arguments)
    {
        var start = new ProcessStartInfo(launcher[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (string part in launcher.Skip(1))
        {
            start.ArgumentList.Add(part);
        }

        start.ArgumentList.Add(Paths.CliDll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = workingDirectory;
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["XDG_CACHE_HOME"] = Path.Combine(workingDirectory, ".cache");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }
}
