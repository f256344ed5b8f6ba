using Kashika.Adapters.Trace;
using Kashika.Core.Trace;
using Kashika.Reports;
using Kashika.Reports.Trace;

namespace Kashika.Tests.Trace;

/// <summary>Folds a trace file as the CLI does (same input adapter, reader and folded format), for the trace tests.</summary>
internal static class Fold
{
    /// <returns>The folded output (each char one byte) and the reader, for its counts and warnings.</returns>
    public static (string Folded, TraceReader Reader) File(string path, CollapseOptions options, int threads = 1, int blockSize = 1 << 22)
    {
        var reader = new TraceReader(options, threads, blockSize);
        using (var input = TraceInput.Open(path, Stream.Null, Environment.CurrentDirectory, new PerfScriptOptions(options.Srcline, options.OffCpu)))
        {
            reader.Read(input.Stream, input.Name, input.Kind);
        }

        var output = new MemoryStream();
        TraceFormats.All.Named("folded").Write(reader.Profile(), output);
        return (System.Text.Encoding.Latin1.GetString(output.ToArray()), reader);
    }
}
