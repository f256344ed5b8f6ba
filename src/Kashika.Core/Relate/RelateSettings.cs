namespace Kashika.Core.Relate;

/// <summary>The options a relate run used, as named in its reports, so that every figure can be traced to its rules.</summary>
/// <param name="NotSame">The vetoes of --not-same ("a@x.org ≠ b@y.org", "a@x.org ≠ A Name"), applied after every join.</param>
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
    string? By = null,
    IReadOnlyList<string>? NotSame = null);
