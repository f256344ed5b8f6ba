using System.Reflection;
using Kashika.Core.Trace;
using Kashika.Reports;
using Kashika.Reports.Trace;

namespace Kashika.Cli.Trace;

/// <summary>The arguments of <c>kashika trace</c> (the page) and <c>kashika trace diff</c>.</summary>
public sealed record TracePageArguments(IReadOnlyList<string> Inputs, TraceOptions Options, string? Output, int Threads, string? After = null);

/// <summary><c>kashika trace</c>: the interactive page of one profile; <c>kashika trace diff</c>: of two.</summary>
internal static class TraceRun
{
    /// <summary>Slices per second of the heat map (FlameScope's 50: 20 ms rows).</summary>
    public const int SlicesPerSecond = 50;

    public static ExitCode Execute(TracePageArguments arguments, CliContext context, CancellationToken cancel)
    {
        if (UnknownOption([.. arguments.Inputs, .. arguments.After is null ? [] : (string[])[arguments.After]], context) is { } usage)
        {
            return usage;
        }

        // The page keeps every thread apart (it merges or splits them itself) and when samples were taken.
        var options = arguments.Options with { Collapse = arguments.Options.Collapse with { Pid = false, Tid = true, TimeSlices = SlicesPerSecond } };
        var profiles = new List<TraceProfileData>();
        var warnings = new List<string>();
        var inputs = arguments.After is null
            ? [arguments.Inputs.Count == 0 ? ["-"] : arguments.Inputs]
            : new[] { arguments.Inputs, (IReadOnlyList<string>)[arguments.After] };
        foreach (var names in inputs)
        {
            var result = TraceInputs.Read(names, options, arguments.Threads, context, cancel);

            string name = string.Join(", ", names.Select(n => n == "-" ? "standard input" : Path.GetFileName(n)));
            warnings.AddRange(result.Warnings.Select(w => inputs.Length == 2 ? $"{name}: {w}" : w));
            var model = TraceModel.Build(result.Profile, SlicesPerSecond);
            if (model.Total == 0)
            {
                // A profile of nothing (a mutex profile without contention): its page is empty, its shares 0 of 0.
                string empty = $"{name}: every stack counts 0, so nothing is drawn and every share of it is 0 of 0";
                context.Warn(empty);
                warnings.Add(empty);
            }

            profiles.Add(TraceProfileData.From(name, model, TraceUnit.Of(result.Profile.Measure)));
        }

        if (profiles.Count == 2 && profiles[0].Unit.Label != profiles[1].Unit.Label)
        {
            string mixed = $"the profiles count different things ({profiles[0].Unit.Label}, {profiles[1].Unit.Label}): the diff compares shares of each total";
            context.Warn(mixed);
            warnings.Add(mixed);
        }

        string title = profiles.Count == 2 ? $"{profiles[0].Name} → {profiles[1].Name}" : profiles[0].Name;
        var document = new TracePageDocument(TracePageDocument.SchemaName, Generator, title, profiles, warnings);
        string? written = ReportWriter.Write(new TracePageFormat(), document, arguments.Output, context.StandardOutput);
        if (written is not null)
        {
            context.Say($"wrote {written} ({string.Join(" and ", profiles.Select(p => $"{p.StackWeights.Count:N0} stacks"))})");
        }

        return ExitCode.Success;
    }

    /// <summary>An input that looks like an option System.CommandLine did not know, or standard input named twice (it
    /// can be read once): a usage error.</summary>
    public static ExitCode? UnknownOption(IReadOnlyList<string> inputs, CliContext context)
    {
        if (inputs.FirstOrDefault(p => p.StartsWith('-') && p != "-") is { } unknown)
        {
            context.Fail($"unknown option '{unknown}' (a file that starts with '-' is written ./{unknown})");
            return ExitCode.Usage;
        }

        if (inputs.Count(p => p == "-") > 1)
        {
            context.Fail("standard input (-) is named twice: it can be read once; give the other input as a file");
            return ExitCode.Usage;
        }

        return null;
    }

    private static string Generator { get; } =
        "kashika " + (typeof(TraceRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?");
}
