using System.CommandLine;
using Kashika.Adapters.Git;
using Kashika.Core.Relate;

namespace Kashika.Cli.Relate;

/// <summary>The arguments of <c>kashika relate</c>, typed.</summary>
public sealed record RelateArguments(
    IReadOnlyList<string> Paths,
    string Format,
    string? Output,
    Metric Metric,
    IdentityMode Identity,
    string? Aliases,
    IReadOnlyList<string> BotPatterns,
    bool IncludeBots,
    bool CountMerges,
    string? Revision,
    string? Since,
    string? Until,
    bool Compat,
    string? FromRanking,
    string? Order,
    Period By = Period.None,
    bool SuggestAliases = false,
    bool NoMailmap = false,
    GitReader Reader = GitReader.Native,
    string? Cache = null,
    bool NoCache = false,
    bool Verbose = false,
    string? ExportParquet = null,
    IReadOnlyList<string>? FromParquet = null,
    string? NotSame = null,
    int? Top = null,
    double? Above = null,
    string? View = null);

internal static class RelateCommand
{
    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "A repository (bare or with a work tree), a folder whose direct children are repositories, or NAME=PATH. "
                + "Default: the repositories in the current folder.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = "html (an interactive chord diagram), json, csv (the matrix), ossrel-js (the original's matrix.js), graphml or gexf (for Gephi, Cytoscape, networkx; gexf is dynamic with --by).",
            DefaultValueFactory = _ => "html",
        };
        format.AcceptOnlyFromAmong("html", "json", "csv", "ossrel-js", "graphml", "gexf");
        var output = new Option<string?>("--output", "-o")
        {
            HelpName = "FILE",
            Description = "Where to write the report; '-' for standard output. Default: relate.html for html, standard output otherwise.",
        };
        var metric = new Choice<Metric>(
            "--metric", "ossrel = sqrt(Σ min commits), sum-min = Σ min commits, jaccard = shared ÷ all developers, shared = shared developers.",
            Metric.Ossrel, m => m.CliName(), Metric.Ossrel, Metric.SumMin, Metric.Jaccard, Metric.Shared);
        var identity = new Choice<IdentityMode>(
            "--identity",
            "What makes two commits one developer. person: the mailmapped e-mail, one person's addresses joined by a distinctive name with corroboration (docs/relate.md); email: the e-mail alone; name; or name+email.",
            IdentityMode.Person, m => m.CliName(), IdentityMode.Email, IdentityMode.Name, IdentityMode.NameEmail, IdentityMode.Person);
        var noMailmap = new Option<bool>("--no-mailmap")
        {
            Description = "Ignore the repositories' .mailmap files: addresses as committed (to measure --identity person against them).",
        };
        var suggestAliases = new Option<bool>("--suggest-aliases")
        {
            Description = "Write the addresses --identity person would join, as a .mailmap to review and pass back with --aliases, instead of the report.",
        };
        var aliases = new Option<string?>("--aliases") {
            HelpName = "FILE", Description = "A file in .mailmap syntax merging one person's identities across all repositories." };
        var notSame = new Option<string?>("--not-same")
        {
            HelpName = "FILE",
            Description = "Vetoes of --identity person's joins: one line per pair that are different people (two addresses, or an address and a name).",
        };
        var botPattern = new Option<string[]>("--bot-pattern")
        {
            HelpName = "REGEX",
            Description = "A regular expression for more automated accounts, matched against 'Name <email>' (repeatable).",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var includeBots = new Option<bool>("--include-bots") { Description = "Count automated accounts (CI, dependency and translation bots) like people." };
        var merges = new Option<bool>("--merges") { Description = "Count merge commits too." };
        var revision = new Option<string?>("--rev") {
            HelpName = "REV", Description = "The revision whose history is read. Default: HEAD." };
        var since = new Option<string?>("--since") {
            HelpName = "DATE", Description = "Only commits after this date (any date git log --since accepts)." };
        var until = new Option<string?>("--until") {
            HelpName = "DATE", Description = "Only commits before this date." };
        var compat = new Option<string?>("--compat")
        {
            Description = "ossrel: reproduce the 2013 original exactly (raw %an names as bytes, HEAD only, bots and merges counted, no mailmap).",
        };
        compat.AcceptOnlyFromAmong("ossrel");
        var fromRanking = new Option<string?>("--from-ranking") {
            HelpName = "DIR", Description = "Read the original's ranking files (uniq -c output, one per project) from this folder instead of repositories." };
        var fromParquet = new Option<string[]>("--from-parquet")
        {
            HelpName = "DIR",
            Description = "Relate the tables of kashika relate export (every *.parquet of theirs in DIR; repeatable, for exports of many machines) instead of repositories.",
        };
        var by = new Choice<Period>(
            "--by", "Also relate the projects per year, quarter or month (by author date), to see how it changes over time.",
            Period.None, p => p.ToString().ToLowerInvariant(), Period.Year, Period.Quarter, Period.Month);
        var order = new Option<string?>("--order") {
            HelpName = "FILE", Description = "With --from-ranking: a file listing the project names in the order wanted. Default: name order." };

        var reader = new Choice<GitReader>(
            "--reader", "native: read git's files directly (in parallel; anything it does not support is read with git); git: run git log.",
            GitReader.Native, r => r.ToString().ToLowerInvariant(), GitReader.Native, GitReader.Git);
        var cache = new Option<string?>("--cache") {
            HelpName = "DIR", Description = "Keep the counts read in this folder, so that a rerun reads only new commits, and the reports written, so that a rerun on unchanged repositories and options copies its report. Default: $XDG_CACHE_HOME/kashika (else ~/.cache/kashika)." };
        var noCache = new Option<bool>("--no-cache") { Description = "Neither read nor write the cache." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Say how each repository was read (reader, cache, commits read)." };
        var top = new Option<int?>("--top")
        {
            Description = $"A report of more than {RelateRun.SparseAbove} projects (or any, with this option) keeps each project's K strongest pairs, with their developers (default {PairSelection.DefaultTop}; json, graphml, gexf and the network page; csv and the chord page keep every pair; export: neighbours.parquet).",
            HelpName = "K",
        };
        top.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) { r.AddError("--top: at least 1"); } });
        var view = new Option<string?>("--view")
        {
            Description = $"html: chord (every pair, a chord diagram) or network (each project's strongest pairs, communities, search). Default: network above {RelateRun.SparseAbove} projects.",
            HelpName = "chord|network",
        };
        view.AcceptOnlyFromAmong("chord", "network");
        var above = new Option<double?>("--above")
        {
            Description = "With --top (or more than that many projects): keep also every pair whose value is above VALUE.",
            HelpName = "VALUE",
        };

        var command = new Command("relate", $"How much open-source projects share their developers, as an interactive chord diagram (or, above {RelateRun.SparseAbove} projects, a network of each one's strongest pairs).")
        {
            paths, format, output, metric.Option, identity.Option, aliases, botPattern, includeBots, merges, revision, since, until, by.Option, compat, fromRanking, fromParquet, order,
            suggestAliases, notSame, noMailmap, reader.Option, cache, noCache, verbose, top, above, view,
        };
        RelateArguments Arguments(ParseResult parse, Argument<string[]> operands, string? export) => new(
            KashikaCommand.Operands(parse, operands),
            export is null ? parse.GetValue(format) ?? "html" : "parquet",
            export is null ? parse.GetValue(output) : null,
            export is null ? metric.ValueIn(parse) : Metric.Ossrel,
            identity.ValueIn(parse),
            parse.GetValue(aliases),
            parse.GetValue(botPattern) ?? [],
            parse.GetValue(includeBots),
            parse.GetValue(merges),
            parse.GetValue(revision),
            parse.GetValue(since),
            parse.GetValue(until),
            parse.GetValue(compat) is not null,
            export is null ? parse.GetValue(fromRanking) : null,
            export is null ? parse.GetValue(order) : null,
            by.ValueIn(parse),
            export is null && parse.GetValue(suggestAliases),
            parse.GetValue(noMailmap),
            reader.ValueIn(parse),
            parse.GetValue(cache),
            parse.GetValue(noCache),
            parse.GetValue(verbose),
            export,
            export is null && parse.GetValue(fromParquet) is { Length: > 0 } tables ? tables : null,
            parse.GetValue(notSame),
            parse.GetValue(top),
            parse.GetValue(above),
            export is null ? parse.GetValue(view) : null);
        command.SetAction((parse, cancel) => Task.FromResult((int)RelateRun.Execute(Arguments(parse, paths, null), context, cancel)));

        // relate export: the same reading and rules, relate's tables as Parquet instead of a report (docs/scale.md).
        // The options that shape the tables apply to it too.
        foreach (var option in new Option[] { identity.Option, aliases, notSame, botPattern, includeBots, merges, revision, since, until, by.Option, compat, noMailmap, reader.Option, cache, noCache, verbose, top, above })
        {
            option.Recursive = true;
        }

        var exportPaths = new Argument<string[]>("PATH") { Description = paths.Description, Arity = ArgumentArity.ZeroOrMore };
        var parquet = new Option<string>("--parquet")
        {
            HelpName = "DIR",
            Required = true,
            Description = "The folder to write projects.parquet, contributions.parquet, copies.parquet and neighbours.parquet (each project's --top strongest pairs and its community) in (made if missing; each file replaced whole).",
        };
        var export = new Command("export", "relate's counts as Parquet tables (docs/scale.md): relate them again in DuckDB, Spark or Trino, or with kashika relate --from-parquet.")
        {
            exportPaths, parquet,
        };
        export.SetAction((parse, cancel) => Task.FromResult((int)RelateRun.Execute(Arguments(parse, exportPaths, parse.GetValue(parquet)), context, cancel)));
        command.Subcommands.Add(export);
        return command;
    }
}
