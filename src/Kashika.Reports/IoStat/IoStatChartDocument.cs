using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Kashika.Reports.IoStat;

/// <summary>One device's values per column, one per report (null where the device was absent).</summary>
public sealed record DeviceSeries(string Name, IReadOnlyDictionary<string, double?[]> Values);

/// <summary>The data of the iostat chart (schema "kashika.iostat-chart/1"): reports of a recording, per device.</summary>
public sealed record IoStatChartDocument(
    string Schema,
    string Generator,
    string Host,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> Times,
    IReadOnlyList<DeviceSeries> Devices)
{
    public const string SchemaName = "kashika.iostat-chart/1";
}

[JsonSerializable(typeof(IoStatChartDocument))]
internal sealed partial class IoStatJsonContext : JsonSerializerContext
{
    public static IoStatJsonContext Compact { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    });
}

/// <summary>The iostat chart: a self-contained HTML page.</summary>
public sealed class IoStatChartFormat : IReportFormat<IoStatChartDocument>
{
    public string Name => "html";

    public string? DefaultFileName => "iostat.html";

    public void Write(IoStatChartDocument model, Stream output) =>
        HtmlPage.Write(output, "iostat", model, IoStatJsonContext.Compact.IoStatChartDocument);
}
