using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Kashika.Core.Relate;
using Kashika.Core.Trace;

namespace Kashika.Reports.Trace;

/// <summary>The data of the trace page (schema "kashika.trace/1"): one profile, or two (before, after) for a diff.</summary>
public sealed record TracePageDocument(
    string Schema,
    string Generator,
    string Title,
    IReadOnlyList<TraceProfileData> Profiles,
    IReadOnlyList<string> Warnings)
{
    public const string SchemaName = "kashika.trace/1";
}

/// <summary>One profile as arrays (see <see cref="TraceModel"/>); names are shown as UTF-8 where they are, else Latin-1.</summary>
public sealed record TraceProfileData(
    string Name,
    TraceUnit Unit,
    long Total,
    IReadOnlyList<string> KindNames,
    IReadOnlyList<string> Frames,
    IReadOnlyList<int> FrameModules,
    IReadOnlyList<int> FrameKinds,
    IReadOnlyList<string> Modules,
    IReadOnlyList<SampledThread> Threads,
    IReadOnlyList<int> NodeParents,
    IReadOnlyList<int> NodeFrames,
    IReadOnlyList<int> StackThreads,
    IReadOnlyList<int> StackNodes,
    IReadOnlyList<long> StackWeights,
    TraceTimeData? Time)
{
    public static TraceProfileData From(string name, TraceModel model, TraceUnit unit) => new(
        ByteText.Display(name),
        unit,
        model.Total,
        Enum.GetNames<FrameKind>().Select(k => k.ToLowerInvariant()).ToList(),
        model.FrameNames.Select(ByteText.Display).ToList(),
        model.FrameModules,
        model.FrameKinds.Select(k => (int)k).ToList(),
        model.Modules.Select(ByteText.Display).ToList(),
        model.Threads.Select(t => new SampledThread(ByteText.Display(t.Comm), t.Pid, t.Tid, ByteText.Display(t.Process), ByteText.Display(t.Labels))).ToList(),
        model.NodeParents,
        model.NodeFrames,
        model.StackThreads,
        model.StackNodes,
        model.StackWeights,
        model.Time is { } time
            ? new TraceTimeData(time.StartSecond, time.SlicesPerSecond, time.Seconds, time.HeatSlices, time.HeatWeights, time.StackSlices)
            : null);
}

public sealed record TraceTimeData(
    long StartSecond,
    int SlicesPerSecond,
    long Seconds,
    IReadOnlyList<long> HeatSlices,
    IReadOnlyList<long> HeatWeights,
    IReadOnlyList<long[]> StackSlices);

[JsonSerializable(typeof(TracePageDocument))]
internal sealed partial class TraceJsonContext : JsonSerializerContext
{
    public static TraceJsonContext Compact { get; } = new(new JsonSerializerOptions
    {
        Encoder = Json.Encoder,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        MaxDepth = 64,
    });
}

/// <summary>The trace page: one self-contained HTML file (views, search, transforms, time, diff).</summary>
public sealed class TracePageFormat : IReportFormat<TracePageDocument>
{
    public string Name => "html";

    public string? DefaultFileName => "trace.html";

    public void Write(TracePageDocument model, Stream output) =>
        HtmlPage.Write(output, "trace", model, TraceJsonContext.Compact.TracePageDocument);
}
