using Kashika.Core.IoStat;
using Spectre.Console;

namespace Kashika.Cli.IoStat;

/// <summary>--live on a terminal: one report on screen, redrawn in place as each new one is computed.</summary>
internal static class LiveView
{
    public static void Run(IoStatEngine engine, string banner, Func<int, string> timestamp, CliContext context)
    {
        var buffer = new StringWriter();
        context.Error.Live(new Text(banner.TrimEnd()))
            .AutoClear(false)
            .Start(live => engine.Run(buffer, timestamp, () =>
            {
                string report = buffer.ToString().Trim('\n');
                buffer.GetStringBuilder().Clear();
                if (report.Length > 0)
                {
                    live.UpdateTarget(new Text($"{banner.TrimEnd()}\n\n{report}"));
                    live.Refresh();
                }
            }));
    }
}
