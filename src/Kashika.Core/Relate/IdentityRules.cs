namespace Kashika.Core.Relate;

/// <summary>The rules that turn raw author records into counted developers.</summary>
/// <param name="Bots">Bot rules, or null to count automated accounts like people.</param>
/// <param name="NotSame">Vetoes of <c>--not-same</c>: addresses and names no person join may hold together.</param>
public sealed record IdentityRules(IdentityMode Mode, BotRules? Bots, bool CountMerges, IReadOnlyList<NotSame>? NotSame = null)
{
    /// <summary>The 2013 ossrel pipeline: raw <c>%an</c>, bots and merges counted.</summary>
    public static IdentityRules Ossrel { get; } = new(IdentityMode.OssrelName, Bots: null, CountMerges: true);
}
