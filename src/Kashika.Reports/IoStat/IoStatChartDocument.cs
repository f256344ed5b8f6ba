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

    /// <summary>The page's data from a recording's reports; times are shown in <paramref name="zone"/>, as -t shows them.</summary>
    public static IoStatChartDocument Create(Kashika.Core.IoStat.ReportSeries series, string generator, string host, string kernel, TimeZoneInfo zone)
    {
        var times = series.Times;
        var offsets = new List<ZoneOffset>();
        for (int i = 0; i < times.Count; i++)
        {
            // The zone's offset may change during a recording (summer time).
            int minutes = (int)zone.GetUtcOffset(DateTimeOffset.FromUnixTimeMilliseconds(times[i])).TotalMinutes;
            if (offsets.Count == 0 || offsets[^1].Minutes != minutes)
            {
                offsets.Add(new ZoneOffset(i, minutes));
            }
        }

        // Every charted column and every older name the page accepts, with --explain's own text.
        var help = Kashika.Core.IoStat.ReportSeries.DeviceColumns.Concat(Kashika.Core.IoStat.ReportSeries.CpuColumns)
            .Concat(["avgqu-sz", "avgrq-sz", "svctm", "rsec/s", "wsec/s"])
            .Select(name => Kashika.Core.IoStat.ColumnGuide.Find(name) ?? throw new InvalidOperationException($"no explanation of {name}"))
            .Select(c => new ColumnHelp(c.Column, c.Unit, Kashika.Core.IoStat.ColumnGuide.Describe(c)))
            .ToList();
        return new IoStatChartDocument(
            SchemaName,
            generator,
            host,
            kernel,
            zone.Id,
            offsets,
            times.Select((t, i) => i == 0 ? t : t - times[i - 1]).ToList(),
            help,
            series.Cpu(),
            series.Devices().Select(d => new DeviceColumns(d.Name, d.Kind.ToString().ToLowerInvariant(), d.Values)).ToList());
    }
}

[JsonSerializable(typeof(IoStatChartDocument))]
internal sealed partial class IoStatJsonContext : JsonSerializerContext
{
    public static IoStatJsonContext Compact { get; } = new(new JsonSerializerOptions
    {
        Encoder = Json.Encoder,
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
