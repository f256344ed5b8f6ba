using Kashika.Fuzz;
using SharpFuzz;

// Kashika.Fuzz TARGET              the AFL++ harness (run by bench/fuzz on instrumented assemblies)
// Kashika.Fuzz TARGET --seeds DIR  writes the target's seed corpus (run from the repository's root)
// Kashika.Fuzz TARGET FILE…        runs the target on each file and prints what it threw (replays a crash)
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: Kashika.Fuzz TARGET [--seeds DIR | FILE…]");
    foreach (var t in FuzzTargets.All)
    {
        Console.Error.WriteLine($"  {t.Name,-18} {t.Reads}");
    }

    return 2;
}

// git, which the damaged-repository target runs, reads no configuration but the repository's own here.
Environment.SetEnvironmentVariable("GIT_CONFIG_NOSYSTEM", "1");
Environment.SetEnvironmentVariable("GIT_CONFIG_GLOBAL", "/dev/null");
var target = FuzzTargets.Named(args[0]);
if (args.Length == 1)
{
    // Out of process: a stack overflow or a kill in the parser is a crash AFL++ records, not the harness's end.
    Fuzzer.OutOfProcess.Run(stream =>
    {
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        target.Run(bytes.ToArray());
    });
    return 0;
}

if (args[1] == "--seeds" && args.Length == 3)
{
    Directory.CreateDirectory(args[2]);
    // Seeds come from the repository's test data: run from the repository's root.
    string root = Directory.GetCurrentDirectory();
    int n = 0;
    foreach (var seed in target.Seeds(root))
    {
        File.WriteAllBytes(Path.Combine(args[2], $"seed{n++:D3}"), seed);
    }

    return 0;
}

int failed = 0;
foreach (string file in args.Skip(1))
{
    try
    {
        target.Run(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: ok");
    }
    catch (Exception e)
    {
        failed++;
        Console.WriteLine($"{file}: {e}");
    }
}

return failed == 0 ? 0 : 1;
