namespace Kashika.Core.Relate;

/// <summary>The options a relate run used, as named in its reports, so that every figure can be traced to its rules.</summary>
public sealed record RelateSettings(
    string Input,
    string Metric,
    string Identity,
    bool Mailmap,
    string? Aliases,
    bool ExcludeBots,
    string? BotPattern,
    bool CountMerges,
    string? Revision,
    string? Since,
    string? Until,
    string? Compat,
    string? By = null);
