using System.Text;
using Kashika.Core.Trace;
using Kashika.Testing;

namespace Kashika.Tests.Trace;

/// <summary>Recordings made with perf 6.1 on this project's machines (Data/), each named after what it exercises.</summary>
public sealed class RecordedDataTests
{
    private static (CollapsedProfile Profile, TraceReader Reader) Read(string name, CollapseOptions? options = null)
    {
        string path = Path.Combine(Paths.RepositoryRoot, "tests", "Kashika.Tests", "Trace", "Data", name);
        var reader = new TraceReader(options ?? new CollapseOptions());
        using var stream = File.OpenRead(path);
        reader.Read(stream, name);
        return (reader.Profile(), reader);
    }

    private static List<string> Folded(CollapsedProfile profile) => profile.Stacks.Select(profile.Folded).ToList();

    [Fact]
    public void Inlined_frames_and_names_with_spaces()
    {
        var (profile, reader) = Read("perf6-inlined-frames-comm-and-path-with-spaces.txt");
        Assert.Equal(0, reader.UnrecognizedLines);
        Assert.Equal(49, reader.Samples);
        Assert.Contains("inl_prog;_start;__libc_start_main_impl;__libc_start_call_main;main;work", Folded(profile));
        int work = Enumerable.Range(0, profile.Frames.Count).Single(i => profile.Frames.Text(i) == "work");
        Assert.Equal(FrameKind.Inlined, profile.Frames.Kind(work));
    }

    [Fact]
    public void Srcline_output_with_inlined_frames_that_have_no_module()
    {
        var (profile, reader) = Read("perf6-srcline-with-inlined-frames.txt", new CollapseOptions(Srcline: true));
        Assert.Equal(0, reader.UnrecognizedLines);
        Assert.Contains("inl_prog;_start:??:0;__libc_start_main_impl:libc-start.c:360;__libc_start_call_main:libc-start.c:58;main:inl.c:4;work:inl.c:3", Folded(profile));
    }

    [Fact]
    public void A_tracepoint_with_payload_and_a_second_event()
    {
        var (profile, reader) = Read("perf6-tracepoint-sched-switch-and-cpu-clock.txt");
        Assert.Equal(0, reader.UnrecognizedLines);
        Assert.Equal("sched:sched_switch", reader.Event);
        Assert.True(reader.SkippedEvents["cpu-clock"] > 0);
        Assert.All(Folded(profile), f => Assert.Contains("schedule", f, StringComparison.Ordinal));

        var (clock, _) = Read("perf6-tracepoint-sched-switch-and-cpu-clock.txt", new CollapseOptions(EventFilter: "cpu-clock"));
        Assert.DoesNotContain(Folded(clock), f => f.EndsWith("__schedule", StringComparison.Ordinal));
    }

    [Fact]
    public void Dotnet_perf_map_names_with_spaces_and_brackets()
    {
        var (profile, reader) = Read("perf6-dotnet-perf-map-jit-names.txt", new CollapseOptions(Jit: true));
        Assert.Equal(0, reader.UnrecognizedLines);
        Assert.Contains(Folded(profile), f => f.Contains(";int32 [kashika] Program::<Main>$_[j];", StringComparison.Ordinal));
        Assert.All(Enumerable.Range(0, profile.Frames.Count).Select(profile.Frames.Text), t => Assert.DoesNotContain("+0x", t, StringComparison.Ordinal));
        Assert.Equal(Encoding.Latin1.GetByteCount(string.Join("", Folded(profile))), string.Join("", Folded(profile)).Length);
    }
}
