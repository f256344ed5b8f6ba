using Kashika.Core.Trace;
using Kashika.Testing;

namespace Kashika.Tests.Trace;

/// <summary>The trace page's model: threads, the shared call tree, time slices and heat map, units.</summary>
public sealed class TraceModelTests
{
    private const string Input =
        "app 100/101 [000] 10.100000: 1000000 cpu-clock:pppH:\n\t1 leaf (/bin/app)\n\t2 main (/bin/app)\n\n"
        + "app 100/101 [000] 10.119999: 1000000 cpu-clock:pppH:\n\t1 leaf (/bin/app)\n\t2 main (/bin/app)\n\n"
        + "app 100/102 [001] 11.500000: 1000000 cpu-clock:pppH:\n\t3 other+0x1f (/lib/libx.so)\n\t2 main (/bin/app)\n\n"
        + "my prog 7 [001] 12.000000: 2000000 cpu-clock:pppH:\n\tffffffff81000000 do_syscall_64 ([kernel.kallsyms])\n\n";

    private static (TraceModel Model, TraceReader Reader) Build(string text, int slices = 50)
    {
        var reader = new TraceReader(new CollapseOptions(Tid: true, TimeSlices: slices));
        reader.Read(new MemoryStream(System.Text.Encoding.Latin1.GetBytes(text)), "input");
        return (TraceModel.Build(reader.Profile(), slices), reader);
    }

    [Fact]
    public void Threads_tree_and_stacks()
    {
        var (model, _) = Build(Input);
        Assert.Equal([new SampledThread("app", "100", "101", "app", ""), new SampledThread("app", "100", "102", "app", ""), new SampledThread("my prog", "?", "7", "my prog", "")], model.Threads.OrderBy(t => t.Tid));
        Assert.Equal(5_000_000, model.Total);
        // main is one node shared by both app threads; leaf and other hang below it.
        string Path(int node) => node == 0 ? "" : $"{Path(model.NodeParents[node])}/{model.FrameNames[model.NodeFrames[node]]}";
        var stacks = Enumerable.Range(0, model.StackNodes.Count)
            .Select(i => $"{model.Threads[model.StackThreads[i]].Tid}{Path(model.StackNodes[i])} {model.StackWeights[i]}").Order().ToList();
        Assert.Equal(["101/main/leaf 2000000", "102/main/other 1000000", "7/do_syscall_64 2000000"], stacks);
        Assert.Equal(5, model.NodeParents.Count); // root, main (once for both threads), leaf, other, do_syscall_64
        int other = model.FrameNames.ToList().IndexOf("other");
        Assert.Equal("/lib/libx.so", model.Modules[model.FrameModules[other]]);
        Assert.Equal(FrameKind.Kernel, model.FrameKinds[model.FrameNames.ToList().IndexOf("do_syscall_64")]);
    }

    [Fact]
    public void Time_slices_and_the_heat_map()
    {
        var (model, _) = Build(Input);
        var time = model.Time!;
        Assert.Equal(10, time.StartSecond);
        Assert.Equal(3, time.Seconds);
        // 10.100 and 10.119999 are both in slice 5 (20 ms slices from 10 s); 11.5 is slice 75; 12.0 is slice 100.
        Assert.Equal([5L, 75, 100], time.HeatSlices);
        Assert.Equal([2_000_000L, 1_000_000, 2_000_000], time.HeatWeights);
        int leafStack = Enumerable.Range(0, model.StackNodes.Count).Single(i => model.StackWeights[i] == 2_000_000 && model.Threads[model.StackThreads[i]].Tid == "101");
        Assert.Equal([5L, 2_000_000], time.StackSlices[leafStack]);
    }

    [Fact]
    public void Samples_without_a_timestamp_count_but_have_no_slice()
    {
        // perf writes such samples in system-wide recordings (":-1 -1 [000] …"), and perf script text may lack the time.
        var (model, _) = Build("app 1/1 [000] 10.100000: 5 cycles:\n\t1 main (/bin/app)\n\nnotime 7 5 cycles:\n\t3 f (/bin/x)\n\n");
        Assert.Equal(10, model.Total); // 5 and 5: a line without a time still has its period (FlameGraph counts it 1)
        Assert.Equal([5L], model.Time!.HeatSlices);
        Assert.Equal(1, model.Time.StackSlices.Count(s => s.Length == 0));
    }

    [Fact]
    public void Slices_are_the_same_on_several_threads()
    {
        var text = string.Concat(Enumerable.Range(0, 3000).Select(i => $"app 1/{i % 3} [000] {i / 100}.{i % 100:00}0000: 5 cycles:\n\t1 f{i % 7} (/bin/app)\n\t2 main (/bin/app)\n\n"));
        var one = new TraceReader(new CollapseOptions(Tid: true, TimeSlices: 50));
        one.Read(new MemoryStream(System.Text.Encoding.Latin1.GetBytes(text)), "x");
        var two = new TraceReader(new CollapseOptions(Tid: true, TimeSlices: 50), threads: 2, blockSize: 2048);
        two.Read(new MemoryStream(System.Text.Encoding.Latin1.GetBytes(text)), "x");
        var a = TraceModel.Build(one.Profile(), 50);
        var b = TraceModel.Build(two.Profile(), 50);
        Assert.Equal(a.Time!.HeatSlices, b.Time!.HeatSlices);
        Assert.Equal(a.Time.HeatWeights, b.Time.HeatWeights);
        Assert.Equal(a.StackWeights.Order(), b.StackWeights.Order());
        Assert.Equal(15_000, a.Total);
        Assert.Equal(30, a.Time.Seconds);
    }

    [Fact]
    public void Units_never_call_periods_samples()
    {
        var (_, reader) = Build(Input);
        Assert.Equal(new TraceUnit("cpu-clock", "cpu-clock:pppH", "ms of cpu-clock", 1e-6), TraceUnit.Of(reader.Profile().Measure));
        Assert.Equal("samples of cpu-clock:pppH", TraceUnit.Of(SampleMeasure.SamplesOf("cpu-clock:pppH")).Label);
        Assert.Equal("cycles", TraceUnit.Of(SampleMeasure.Period("cycles:u")).Label);
        Assert.Equal("sched:sched_switch", TraceUnit.Of(SampleMeasure.Period("sched:sched_switch")).Label);
        Assert.Equal("samples", TraceUnit.Of(SampleMeasure.SamplesOf(null)).Label); // no period on any event line
        Assert.Equal("count", TraceUnit.Of(SampleMeasure.Count).Label); // folded input
        Assert.Equal(new TraceUnit("cpu", null, "ms of CPU", 1e-6), TraceUnit.Of(new SampleMeasure("cpu", "nanoseconds"))); // Go
        Assert.Equal("bytes of inuse_space", TraceUnit.Of(new SampleMeasure("inuse_space", "bytes")).Label);
        Assert.Equal("ms off-CPU", TraceUnit.Of(SampleMeasure.OffCpu).Label);
    }

    [Fact]
    public void A_process_is_its_pid_named_by_its_main_thread_and_threads_keep_their_names()
    {
        const string named = "thr 10/10 [000] 1.000000: 1000000 cpu-clock:\n\t1 main (/bin/thr)\n\n"
            + "worker-1 10/11 [000] 1.001000: 1000000 cpu-clock:\n\t2 spin (/bin/thr)\n\n"
            + "worker-1 10/11 [000] 1.002000: 1000000 cpu-clock:\n\t2 spin (/bin/thr)\n\n"
            + "worker-1 20/21 [000] 1.003000: 1000000 cpu-clock:\n\t2 spin (/bin/other)\n\n"
            + "worker-1 20/22 [000] 1.004000: 1000000 cpu-clock:\n\t2 spin (/bin/other)\n\n";
        var (model, _) = Build(named);
        Assert.Equal(
            ["thr 10/10 thr", "thr 10/11 worker-1", "worker-1 20/21 worker-1", "worker-1 20/22 worker-1"],
            model.Threads.Select(t => $"{t.Process} {t.Pid}/{t.Tid} {t.Comm}").Order(StringComparer.Ordinal));
        // spin of /bin/thr and spin of /bin/other are two functions, told apart by their modules.
        Assert.Contains("spin [thr]", model.FrameNames);
        Assert.Contains("spin [other]", model.FrameNames);
    }

    [Fact]
    public void A_thread_that_renames_itself_or_execs_is_one_thread_named_by_its_heaviest_name()
    {
        // pid 30 was "perf" for one sample before it exec'd dotnet, which ran three.
        const string renamed = "perf 30/30 [000] 1.000000: 1000000 cpu-clock:\n\t1 main (/usr/bin/perf)\n\n"
            + "dotnet 30/30 [000] 1.001000: 1000000 cpu-clock:\n\t2 Main (/usr/bin/dotnet)\n\n"
            + "dotnet 30/30 [000] 1.002000: 1000000 cpu-clock:\n\t2 Main (/usr/bin/dotnet)\n\n"
            + "dotnet 30/30 [000] 1.003000: 1000000 cpu-clock:\n\t2 Main (/usr/bin/dotnet)\n\n"
            + ".NET TP Worker 30/31 [000] 1.004000: 1000000 cpu-clock:\n\t3 Work (/usr/bin/dotnet)\n\n";
        var (model, _) = Build(renamed);
        Assert.Equal(["dotnet 30/30 dotnet", "dotnet 30/31 .NET TP Worker"], model.Threads.Select(t => $"{t.Process} {t.Pid}/{t.Tid} {t.Comm}").Order(StringComparer.Ordinal));
    }
}
