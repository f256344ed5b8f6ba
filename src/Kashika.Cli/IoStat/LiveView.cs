using Kashika.Reports.IoStat;
using Spectre.Console;

namespace Kashika.Cli.IoStat;

/// <summary>--live on a terminal: one report on screen, redrawn in place as each new one is read.</summary>
internal static class LiveView
{
    public static void Run(IoStatPrint print, CliContext context)
    {
        string banner = IoStatTextFormat.Banner(print.Machine).TrimEnd();
        context.Error.Live(new Text(banner))
            .AutoClear(false)
            .Start(live =>
            {
                foreach (var report in print.Reports)
                {
                    string text = IoStatTextFormat.Report(report, print.Options, print.Timestamp).Trim('\n');
                    if (text.Length > 0)
                    {
                        live.UpdateTarget(new Text($"{banner}\n\n{text}"));
                        live.Refresh();
                    }
                }
            });
    }
}
