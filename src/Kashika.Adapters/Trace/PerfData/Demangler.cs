using System.ComponentModel;
using System.Diagnostics;

namespace Kashika.Adapters.Trace.PerfData;

/// <summary>
/// C++ and Rust symbol names demangled as perf prints them (without parameters: "ns::Box&lt;long&gt;::twice"), by one
/// <c>c++filt -p -i</c> run per module, all its mangled names at once; never a process per name.
/// </summary>
internal sealed class Demangler
{
    private bool missing;

    /// <summary>Set when c++filt could not be run: names stay mangled.</summary>
    public string? Problem { get; private set; }

    /// <summary>The symbols with their mangled names ("_Z…") demangled.</summary>
    public List<Symbol> Demangle(List<Symbol> symbols)
    {
        var mangled = symbols.Select(s => Bare(s.Name)).Where(IsMangled).Distinct(StringComparer.Ordinal).ToList();
        if (mangled.Count == 0 || missing)
        {
            return symbols;
        }

        var names = Run(mangled);
        if (names is null)
        {
            return symbols;
        }

        return [.. symbols.Select(s =>
        {
            string bare = Bare(s.Name);
            return names.TryGetValue(bare, out string? plain) ? s with { Name = plain + s.Name[bare.Length..] } : s;
        })];
    }

    // A PLT entry's name is its symbol's with "@plt" after it.
    private static string Bare(string name) => name.EndsWith("@plt", StringComparison.Ordinal) ? name[..^4] : name;

    // Itanium C++ and Rust legacy ("_Z…"), Rust v0 ("_R…").
    private static bool IsMangled(string name) => (name.StartsWith("_Z", StringComparison.Ordinal) || name.StartsWith("_R", StringComparison.Ordinal)) && !name.Contains('\n', StringComparison.Ordinal);

    private Dictionary<string, string>? Run(List<string> mangled)
    {
        var start = new ProcessStartInfo("c++filt") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-p"); // no parameters, as perf prints names
        start.ArgumentList.Add("-i"); // no implementation details
        try
        {
            using var process = Process.Start(start) ?? throw new Win32Exception();
            _ = process.StandardError.ReadToEndAsync();
            var writer = Task.Run(() =>
            {
                foreach (string name in mangled)
                {
                    process.StandardInput.Write(name);
                    process.StandardInput.Write('\n');
                }

                process.StandardInput.Close();
            });
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            int i = 0;
            while (process.StandardOutput.ReadLine() is { } line && i < mangled.Count)
            {
                names[mangled[i++]] = line;
            }

            writer.Wait();
            process.WaitForExit();
            return i == mangled.Count ? names : null;
        }
        catch (Win32Exception)
        {
            missing = true;
            Problem = "c++filt (binutils) is not installed: C++ and Rust function names stay mangled";
            return null;
        }
    }
}
