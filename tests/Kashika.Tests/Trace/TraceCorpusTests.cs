using Kashika.Core.Trace;
using Kashika.Testing;

namespace Kashika.Tests.Trace;

/// <summary>
/// Every input of ../shared/corpus/trace with every stackcollapse-perf.pl option must give Perl's output byte for byte
/// (expected-normalized/), except where Kashika fixes a defect of Perl's on purpose: those cases are listed here with
/// the reason (docs/trace-deviations.md) and compared with Kashika's approved output instead, which must differ.
/// </summary>
public sealed class TraceCorpusTests
{
    private const string Folder = "trace/expected-normalized";

    /// <summary>Corpus cases where Kashika differs from Perl on purpose, by the prefix of their expected file's name.</summary>
    public static readonly IReadOnlyDictionary<string, string> Deviations = new Dictionary<string, string>
    {
        ["fg-example-perf-stacks.pid"] = "swapper 0/0 keeps its PID 0 (Perl: swapper-?)",
        ["fg-example-perf-stacks.tid"] = "swapper 0/0 keeps its PID 0 (Perl: swapper-?/0)",
        ["inferno-cpp-stacks-std-function."] = "C++ arguments are cut at the first '(' outside template brackets (Perl cuts inside std::function<int (int, int)>), as inferno; the call operator keeps its name 'operator()', as perf report shows it",
        ["inferno-single-line-stacks."] = "a frame printed on the event line itself is kept (Perl drops these stacks)",
        ["inferno-sourcepawn-jitdump.jit"] = "jitdump frames (/jitted-*.so) are JIT frames: _[j] (Perl marks only /tmp/perf-*.map), as inferno",
        ["inferno-sourcepawn-jitdump.all"] = "jitdump frames (/jitted-*.so) are JIT frames: _[j] (Perl marks only /tmp/perf-*.map), as inferno",
        ["speedscope-one-sample.linux-perf."] = "the last sample is kept although the file ends without a newline (Perl drops it)",
        ["speedscope-simple.linux-perf."] = "the last sample is kept although the file ends without a newline (Perl drops it)",
    };

    public static TheoryData<string> Cases()
    {
        string folder = Path.Combine(Paths.Corpus, Folder);
        var data = new TheoryData<string>();
        if (!Directory.Exists(folder))
        {
            data.Add("(corpus missing)");
            return data;
        }

        foreach (string file in Directory.GetFiles(folder, "*.folded").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Folded_output_equals_perls_or_the_documented_fix(string expectedName)
    {
        string expectedFolder = Paths.RequireCorpus(Folder);
        string stem = expectedName[..expectedName.LastIndexOf('.', expectedName.Length - ".folded".Length - 1)];
        string option = expectedName[(stem.Length + 1)..^".folded".Length];
        var options = option switch
        {
            "pid" => new CollapseOptions(Pid: true),
            "tid" => new CollapseOptions(Tid: true),
            "kernel" => new CollapseOptions(Kernel: true),
            "jit" => new CollapseOptions(Jit: true),
            "all" => new CollapseOptions(Kernel: true, Jit: true),
            "addrs" => new CollapseOptions(Addrs: true),
            _ => new CollapseOptions(),
        };

        string actual = Fold.File(InputOf(stem), options).Folded;
        string perl = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(expectedFolder, expectedName)));
        var deviation = Deviations.FirstOrDefault(d => expectedName.StartsWith(d.Key, StringComparison.Ordinal));
        if (deviation.Key is null)
        {
            Assert.Equal(perl, actual);
            return;
        }

        Assert.NotEqual(perl, actual); // the fix still changes something, or it should leave this list
        Approved.Verify(actual, expectedName);
    }

    private static string InputOf(string stem)
    {
        string trace = Path.Combine(Paths.Corpus, "trace");
        return stem switch
        {
            "fg-example-perf-stacks" => Path.Combine(trace, "FlameGraph", "example-perf-stacks.txt.gz"),
            _ when stem.StartsWith("fg-", StringComparison.Ordinal) => Path.Combine(trace, "FlameGraph", "test", stem[3..] + ".txt"),
            _ when stem.StartsWith("inferno-", StringComparison.Ordinal) => Path.Combine(trace, "inferno", "tests", "data", "collapse-perf", stem[8..] + ".txt"),
            _ => Path.Combine(trace, "speedscope", "sample", "profiles", "linux-perf", stem["speedscope-".Length..] + ".txt"),
        };
    }
}
