using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Kashika.Reports.IoStat;

/// <summary>A column as the page names and explains it: the text is what <c>kashika iostat --explain</c> prints.</summary>
public sealed record ColumnHelp(string Name, string Unit, string Text);

/// <summary>One device's series, in the order of <see cref="IoStatChartDocument.Columns"/>' device columns.</summary>
/// <param name="Kind">"disk", "partition" or "group".</param>
public sealed record DeviceColumns(string Name, string Kind, IReadOnlyDictionary<string, double?[]> Values);

/// <summary>The time zone the page shows times in: its name and its offset from UTC, from a sample on.</summary>
public sealed record ZoneOffset(int From, int Minutes);

/// <summary>
/// The data of the iostat page (schema "kashika.iostat-chart/2"): every report of a recording as numbers, per device
/// and for the CPU, with the explanation of every column and the sample times: the first in milliseconds since the
/// epoch, then each one's difference from the one before (a day at 1 s is 86,400 of them).
/// </summary>
public sealed record IoStatChartDocument(
    string Schema,
    string Generator,
    string Host,
    string Kernel,
    string TimeZone,
    IReadOnlyList<ZoneOffset> Offsets,
    IReadOnlyList<long> TimeSteps,
    IReadOnlyList<ColumnHelp> Columns,
    IReadOnlyDictionary<string, double[]> Cpu,
    IReadOnlyList<DeviceColumns> Devices)
{
    public const string SchemaName = "kashika.iostat-chart/2";
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

/// <summary>The iostat page: a self-contained HTML page.</summary>
public sealed class IoStatChartFormat : IReportFormat<IoStatChartDocument>
{
    public string Name => "html";

    public string? DefaultFileName => "iostat.html";

    public void Write(IoStatChartDocument model, Stream output) =>
        HtmlPage.Write(output, "iostat", model, IoStatJsonContext.Compact.IoStatChartDocument);
}
