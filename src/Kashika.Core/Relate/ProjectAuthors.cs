namespace Kashika.Core.Relate;

/// <summary>One project's developers after identity, bot and merge rules: the input of the relatedness computation.</summary>
/// <param name="Name">The project's name as shown in reports.</param>
/// <param name="CommitsByPerson">Counted commits per identity key.</param>
/// <param name="DisplayNames">For each identity key, the name it most often appears under in this project.</param>
/// <param name="ExcludedBots">Automated accounts whose commits were not counted, most commits first.</param>
public sealed record ProjectAuthors(
    string Name,
    IReadOnlyDictionary<string, int> CommitsByPerson,
    IReadOnlyDictionary<string, string> DisplayNames,
    long ExcludedBotCommits,
    long ExcludedMergeCommits,
    IReadOnlyList<ExcludedAuthor> ExcludedBots)
{
    public long Commits { get; } = CommitsByPerson.Values.Sum(c => (long)c);

    public int Developers => CommitsByPerson.Count;
}

/// <summary>An author whose commits were left out, and how many.</summary>
public sealed record ExcludedAuthor(string Name, string Email, long Commits, string Reason = "automated account");
