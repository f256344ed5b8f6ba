namespace Kashika.Core.Relate;

/// <summary>The rules that turn raw author records into counted developers.</summary>
/// <param name="Bots">Bot rules, or null to count automated accounts like people.</param>
public sealed record IdentityRules(IdentityMode Mode, BotRules? Bots, bool CountMerges)
{
    /// <summary>The 2013 ossrel pipeline: raw <c>%an</c>, bots and merges counted.</summary>
    public static IdentityRules Ossrel { get; } = new(IdentityMode.OssrelName, Bots: null, CountMerges: true);
}
